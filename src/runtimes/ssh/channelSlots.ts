// Bounds the exec channels open at once on one SSH connection. sshd refuses sessions
// beyond its MaxSessions (10 by default); callers beyond the limit wait their turn here
// instead of failing, and the limit drops to what the server actually allows.
import { TmuxAgentsError } from '../../core/errors';

interface Waiter {
  grant(): void;
  fail(e: Error): void;
}

export class ChannelSlots {
  private active = 0;
  private readonly waiters: Waiter[] = [];
  private closed?: Error;

  constructor(private limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) {
      throw new TmuxAgentsError('invalid-input', `maxChannels must be a whole number of at least 1, not ${limit}.`);
    }
  }

  get inUse(): number {
    return this.active;
  }

  get max(): number {
    return this.limit;
  }

  acquire(): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiters.push({
        grant: () => {
          this.active++;
          resolve();
        },
        fail: reject,
      });
    });
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
    this.pump();
  }

  /** The server refused a channel while `inUse` others were open: that is its limit. */
  lowerTo(n: number): void {
    this.limit = Math.max(1, Math.min(this.limit, n));
  }

  /** Fails every waiter and every later acquire (on dispose). */
  close(e: Error): void {
    this.closed = e;
    for (const w of this.waiters.splice(0)) w.fail(e);
  }

  private pump(): void {
    while (this.active < this.limit && this.waiters.length) this.waiters.shift()!.grant();
  }
}
