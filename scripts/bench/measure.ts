// Timing helpers. Ours and the baseline are measured interleaved (ours, baseline, baseline,
// ours, ...) so both see the same background load; warm-up repetitions are measured the same
// way and dropped by the summary.
import { performance } from 'node:perf_hooks';
import { pollUntil } from '../../src/core/async';
import { errorMessage } from '../../src/core/errors';

/** Milliseconds `fn` took. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface SampleSet {
  samples: number[];
  /** Messages of failed repetitions (their sample is NaN, which the summary skips). */
  failures: string[];
}

/** Runs `fn` warmup + reps times, one after another; a thrown repetition counts as a failure. */
export async function repeat(total: number, fn: (rep: number) => Promise<number>): Promise<SampleSet> {
  const out: SampleSet = { samples: [], failures: [] };
  for (let rep = 0; rep < total; rep++) {
    try {
      out.samples.push(await fn(rep));
    } catch (e) {
      out.samples.push(NaN);
      out.failures.push(errorMessage(e).split('\n')[0]!);
    }
  }
  return out;
}

/** Ours and the baseline, alternating which goes first on each repetition. */
export async function interleave(
  total: number,
  ours: (rep: number) => Promise<number>,
  baseline: (rep: number) => Promise<number>,
): Promise<{ ours: SampleSet; baseline: SampleSet }> {
  const a: SampleSet = { samples: [], failures: [] };
  const b: SampleSet = { samples: [], failures: [] };
  const one = async (set: SampleSet, fn: (rep: number) => Promise<number>, rep: number) => {
    try {
      set.samples.push(await fn(rep));
    } catch (e) {
      set.samples.push(NaN);
      set.failures.push(errorMessage(e).split('\n')[0]!);
    }
  };
  for (let rep = 0; rep < total; rep++) {
    if (rep % 2 === 0) {
      await one(a, ours, rep);
      await one(b, baseline, rep);
    } else {
      await one(b, baseline, rep);
      await one(a, ours, rep);
    }
  }
  return { ours: a, baseline: b };
}

/** Polls a cheap check every few ms (for "until nothing is left"); throws at the deadline. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const ok = await pollUntil(async () => ((await check()) ? true : undefined), { timeoutMs, intervalMs: 2, maxIntervalMs: 10 });
  if (!ok) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** Runs `fn` over items with at most `limit` at once; results in input order (settled). */
export async function mapSettled<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i]!, i) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
