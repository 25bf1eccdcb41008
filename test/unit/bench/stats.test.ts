// The benchmark's statistics helper (scripts/bench/stats.ts): pure arithmetic, no timing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile, single, summarize } from '../../../scripts/bench/stats';

describe('percentile', () => {
  it('interpolates between the nearest ranks', () => {
    assert.equal(percentile([10, 20], 50), 15);
    assert.equal(percentile([1, 2, 3, 4, 5], 50), 3);
    assert.equal(percentile([1, 2, 3, 4, 5], 95), 4.8);
    assert.equal(percentile([0, 100], 95), 95);
  });

  it('clamps to the ends and handles one or no value', () => {
    assert.equal(percentile([3, 7], 0), 3);
    assert.equal(percentile([3, 7], 100), 7);
    assert.equal(percentile([42], 95), 42);
    assert.ok(Number.isNaN(percentile([], 50)));
  });
});

describe('summarize', () => {
  it('drops the warm-up samples, in the order they were taken', () => {
    const s = summarize([900, 800, 30, 10, 20, 40, 50], 2);
    assert.deepEqual(s, { n: 5, min: 10, p50: 30, p95: 48, max: 50, mean: 30 });
  });

  it('sorts the samples it keeps', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    assert.equal(s.min, 1);
    assert.equal(s.p50, 3);
    assert.equal(s.max, 5);
    assert.equal(s.mean, 3);
  });

  it('ignores failed (non-finite) samples', () => {
    const s = summarize([1, NaN, 3, Infinity]);
    assert.equal(s.n, 2);
    assert.equal(s.p50, 2);
  });

  it('gives NaN figures, not zeros, when nothing is left after the warm-up', () => {
    const s = summarize([7], 1);
    assert.equal(s.n, 0);
    assert.ok(Number.isNaN(s.p50) && Number.isNaN(s.min) && Number.isNaN(s.mean));
  });

  it('rejects a negative or fractional warm-up', () => {
    assert.throws(() => summarize([1, 2], -1), RangeError);
    assert.throws(() => summarize([1, 2], 0.5), RangeError);
  });

  it('summarizes one value as itself', () => {
    assert.deepEqual(single(12), { n: 1, min: 12, p50: 12, p95: 12, max: 12, mean: 12 });
  });
});
