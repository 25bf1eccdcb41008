// Keeps a long-lived connection (an event stream, a watch) going: run it, and when it ends
// or fails, wait with doubling backoff and run it again, until the signal aborts.
import { delay } from './async';
import { errorMessage } from './errors';
import type { Disposable } from './lifecycle';
import { nullLogger, type Logger } from './log';

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

export interface FollowerOptions {
  logger?: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * A long-lived connection kept going with retryLoop, started once and ended by dispose:
 * the shell the Docker event stream and the Kubernetes pod watch share. Subclasses
 * connect (one attempt, resolving when the connection ends, true when it was healthy)
 * and close the connection in use.
 */
export abstract class Follower implements Disposable {
  protected readonly abort = new AbortController();
  protected readonly log: Logger;
  private started = false;

  constructor(
    /** For the log: "Docker event stream", "Pod watch in ns". */
    private readonly what: string,
    private readonly options: FollowerOptions,
  ) {
    this.log = options.logger ?? nullLogger;
  }

  start(): void {
    if (this.started || this.abort.signal.aborted) return;
    this.started = true;
    void retryLoop(
      {
        signal: this.abort.signal,
        minBackoffMs: this.options.minBackoffMs,
        maxBackoffMs: this.options.maxBackoffMs,
        onError: (e, retryIn) => this.log.debug(`${this.what} unavailable (retrying in ${retryIn} ms): ${errorMessage(e)}`),
      },
      (attempt) => this.connect(attempt),
    );
  }

  dispose(): void {
    this.abort.abort();
    this.closeCurrent();
  }

  protected abstract connect(attempt: number): Promise<boolean>;
  protected abstract closeCurrent(): void;
}
