// Calls `fn` at most once per `ms`: the first trigger at once, later ones folded into one
// call when the interval is over. For hints that may come many times a second (output).
import type { Disposable } from './lifecycle';

export class Throttle implements Disposable {
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ms: number,
    private readonly fn: () => void,
  ) {}

  trigger(): void {
    if (this.timer) return;
    const fire = () => {
      this.timer = undefined;
      this.last = Date.now();
      this.fn();
    };
    const wait = this.last + this.ms - Date.now();
    if (wait <= 0) fire();
    else this.timer = setTimeout(fire, wait);
  }

  /** Drops a pending call. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}
