// Keeps a long-lived connection (an event stream, a watch) going: run it, and when it ends
// or fails, wait with doubling backoff and run it again, until the signal aborts.
import { delay } from './async';

export interface RetryLoopOptions {
  signal: AbortSignal;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A failed attempt (never called after abort); `retryInMs` is the wait before the next. */
  onError(error: unknown, retryInMs: number): void;
}

/**
 * `attempt(n)` runs one connection until it ends and says whether it was healthy; a
 * healthy one resets the backoff, so a stream that worked for hours retries at once.
 */
export async function retryLoop(opts: RetryLoopOptions, attempt: (n: number) => Promise<boolean>): Promise<void> {
  const min = opts.minBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 30_000;
  let backoff = min;
  for (let n = 0; !opts.signal.aborted; n++) {
    try {
      if (await attempt(n)) backoff = min;
    } catch (e) {
      if (opts.signal.aborted) return;
      opts.onError(e, backoff);
    }
    if (opts.signal.aborted) return;
    try {
      await delay(backoff, opts.signal);
    } catch {
      return;
    }
    backoff = Math.min(backoff * 2, max);
  }
}
