import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryLoop } from '../../../src/core/retryLoop';

test('retries with doubling backoff, reset by a healthy attempt, until aborted', async () => {
  const abort = new AbortController();
  const waits: number[] = [];
  const seen: number[] = [];
  await retryLoop(
    { signal: abort.signal, minBackoffMs: 1, maxBackoffMs: 4, onError: (_e, retryIn) => waits.push(retryIn) },
    async (n) => {
      seen.push(n);
      if (n === 5) abort.abort();
      if (n === 3) return true; // healthy: the next failure waits the minimum again
      throw new Error(`attempt ${n} failed`);
    },
  );
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5]);
  // n=0..2 fail (1, 2, 4 ms); n=3 is healthy, so the wait after it is the minimum (1 ms)
  // and the next failure (n=4) reports 2 ms, not 8; n=5 aborts (no report).
  assert.deepEqual(waits, [1, 2, 4, 2]);
});

test('an abort during the wait ends the loop without another attempt', async () => {
  const abort = new AbortController();
  let attempts = 0;
  const done = retryLoop({ signal: abort.signal, minBackoffMs: 10_000, onError: () => undefined }, async () => {
    attempts++;
    setImmediate(() => abort.abort());
    return false;
  });
  await done;
  assert.equal(attempts, 1);
});
