// Summary statistics of benchmark samples: the warm-up repetitions are dropped, then
// min / p50 / p95 / max (and the mean) of the rest. Percentiles interpolate linearly
// between the two nearest ranks, so p50 of [10, 20] is 15 and small samples stay honest.

export interface Summary {
  /** Samples counted (after the warm-up). */
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/** The p-th percentile (0..100) of ascending-sorted values; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  if (p <= 0) return sorted[0]!;
  if (p >= 100) return sorted[sorted.length - 1]!;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Summary of `samples` after dropping the first `warmup` of them (in the order taken). */
export function summarize(samples: readonly number[], warmup = 0): Summary {
  if (!Number.isInteger(warmup) || warmup < 0) throw new RangeError(`warmup must be a whole number >= 0, got ${warmup}`);
  const kept = samples.slice(warmup).filter((v) => Number.isFinite(v));
  const sorted = [...kept].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted.length ? sorted[0]! : NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
    mean: sorted.length ? sorted.reduce((s, v) => s + v, 0) / sorted.length : NaN,
  };
}

/** A single measured value (a total, a count) as a summary of one sample. */
export function single(value: number): Summary {
  return summarize([value]);
}
