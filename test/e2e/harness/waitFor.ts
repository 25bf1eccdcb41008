// Polling with a deadline: the harness's only way to wait. No fixed sleeps anywhere; every wait
// names what it waited for, so a timeout says what did not happen.
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  /** Milliseconds (default 15 s). */
  timeout?: number;
  /** What was awaited, for the error; a function is evaluated at timeout (e.g. to show state). */
  message: string | (() => string | Promise<string>);
  /** Poll interval in milliseconds (default 100). */
  interval?: number;
}

/** Polls fn until it returns a truthy value (returned) or the deadline passes (throws, with the
 *  message and the last value or error). Errors thrown by fn count as "not yet". */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions): Promise<NonNullable<T>> {
  const timeout = options.timeout ?? 15_000;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      const message = typeof options.message === 'function' ? await options.message() : options.message;
      const lastText = last instanceof Error ? `last error: ${last.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${message} (${lastText})`);
    }
    await delay(Math.min(options.interval ?? 100, Math.max(0, deadline - Date.now())));
  }
}
