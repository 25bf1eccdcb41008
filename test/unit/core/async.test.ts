import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { delay, pollUntil, withTimeout } from '../../../src/core/async';
import { isTmuxAgentsError } from '../../../src/core/errors';

const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('withTimeout', () => {
  test('passes a value through and leaves no timer behind', async () => {
    const before = activeTimers();
    assert.equal(await withTimeout(Promise.resolve(42), 60_000, 'x'), 42);
    assert.equal(activeTimers(), before);
  });

  test('passes a rejection through unchanged', async () => {
    const boom = new Error('boom');
    await assert.rejects(withTimeout(Promise.reject(boom), 60_000, 'x'), (e) => e === boom);
  });

  test('rejects with a timeout error naming what did not finish', async () => {
    const started = Date.now();
    await assert.rejects(withTimeout(new Promise(() => undefined), 30, 'Listing agents on Local'), (e) => {
      assert.ok(isTmuxAgentsError(e, 'timeout'));
      assert.equal(e.message, 'Listing agents on Local did not finish within 30 ms.');
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 25 && took < 1_000, `took ${took} ms`);
  });

  test('a late rejection after the timeout is not an unhandled rejection', async () => {
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 20));
      await assert.rejects(withTimeout(late, 5, 'x'), (e) => isTmuxAgentsError(e, 'timeout'));
      await late.catch(() => undefined);
      await delay(5);
      assert.equal(unhandled, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('pollUntil', () => {
  test('returns the first defined value, probing at once', async () => {
    let calls = 0;
    const v = await pollUntil(async () => (++calls === 1 ? 'now' : undefined), { timeoutMs: 1_000, intervalMs: 5_000 });
    assert.equal(v, 'now');
    assert.equal(calls, 1);
  });

  test('keeps probing until the value appears; false and 0 count as values', async () => {
    let calls = 0;
    assert.equal(await pollUntil(async () => (++calls < 4 ? undefined : 0), { timeoutMs: 1_000, intervalMs: 1 }), 0);
    assert.equal(calls, 4);
    assert.equal(await pollUntil(async () => false, { timeoutMs: 10 }), false);
  });

  test('undefined after the deadline; the last probe is near the deadline, not far past it', async () => {
    let calls = 0;
    const started = Date.now();
    const v = await pollUntil(async () => {
      calls++;
      return undefined;
    }, { timeoutMs: 60, intervalMs: 5, maxIntervalMs: 10 });
    const took = Date.now() - started;
    assert.equal(v, undefined);
    assert.ok(calls >= 4, `probed ${calls} times`);
    assert.ok(took >= 60 && took < 1_000, `took ${took} ms`);
  });

  test('timeout 0 probes exactly once', async () => {
    let calls = 0;
    assert.equal(await pollUntil(async () => (calls++, undefined), { timeoutMs: 0 }), undefined);
    assert.equal(calls, 1);
  });

  test('intervals double up to the maximum', async () => {
    const times: number[] = [];
    await pollUntil(async () => (times.push(Date.now()), times.length >= 6 ? true : undefined), { timeoutMs: 10_000, intervalMs: 25, maxIntervalMs: 100 });
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 25, 50, 100, 100, 100: timers fire late, never early...
    [25, 50, 100, 100, 100].forEach((want, i) => assert.ok(gaps[i]! >= want - 1, `gaps ${gaps}`));
    // ...and without the cap the last two would be 200 and 400.
    assert.ok(gaps[3]! + gaps[4]! < 550, `gaps ${gaps}`);
  });

  test('a throwing probe ends the poll with its error', async () => {
    await assert.rejects(pollUntil(async () => {
      throw new Error('probe failed');
    }, { timeoutMs: 1_000 }), /probe failed/);
  });

  test('abort stops the wait with the signal reason', async () => {
    const ac = new AbortController();
    const started = Date.now();
    const p = pollUntil(async () => undefined, { timeoutMs: 60_000, intervalMs: 30_000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop')), 10);
    await assert.rejects(p, /stop/);
    assert.ok(Date.now() - started < 10_000, 'not after the 30 s interval');
  });
});

describe('delay', () => {
  test('an already aborted signal rejects at once', async () => {
    const ac = new AbortController();
    ac.abort(new Error('already'));
    await assert.rejects(delay(10_000, ac.signal), /already/);
  });
});
