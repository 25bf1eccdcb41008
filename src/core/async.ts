import { TmuxAgentsError } from './errors';

/** Rejects with a timeout error naming `what` if `promise` takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TmuxAgentsError('timeout', `${what} did not finish within ${ms} ms.`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits for `promise` to settle, but no longer than `ms`; never rejects. */
export async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([promise.then(() => undefined, () => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface PollOptions {
  timeoutMs: number;
  /** First interval; doubles up to maxIntervalMs, so fast things are seen fast and slow ones cost little. */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Calls `probe` until it returns a value other than undefined, or the deadline passes
 * (then returns undefined). A readiness check, never a fixed sleep.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  opts: PollOptions,
): Promise<T | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  let interval = opts.intervalMs ?? 25;
  const max = opts.maxIntervalMs ?? 250;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await delay(Math.min(interval, left), opts.signal);
    interval = Math.min(interval * 2, max);
  }
}
