// One place decides when to re-list: manual refreshes run now, everything else is
// debounced. Runtimes that push every change (tmux control mode) are not polled: the next
// look is planned after each refresh, soon when some listed agents are on a runtime that
// cannot push (containers, pods), late as a safety net when all of them can, and exactly
// when a shown status lapses by time alone ("working" going quiet).
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/log';
import type { AgentModel } from './agentModel';

export type RefreshReason = 'manual' | 'command' | 'runtime-event' | 'poll' | 'config' | 'visible';

const DEBOUNCE_MS = 200;
/**
 * While the view is hidden we still look now and then: "agent is waiting for you" must
 * reach the user who is not looking at the tree. One tmux call per server, no captures
 * unless output changed.
 */
const HIDDEN_POLL_MS = 10_000;
/**
 * With every agent pushed, a re-list still runs this often: it finds agents started by
 * another window on a server we are not attached to, and re-attaches a watcher that could
 * not attach before.
 */
export const SAFETY_POLL_MS = 60_000;
/** A lapse due sooner than this is looked at after this: never a busy loop. */
const MIN_RECHECK_MS = 500;

export class RefreshManager implements vscode.Disposable {
  private debounce: NodeJS.Timeout | undefined;
  private next: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private visible = false;
  private readonly refreshed: vscode.Disposable;

  constructor(
    private readonly model: AgentModel,
    private readonly log: Logger,
    private readonly intervals: { refreshMs: () => number; pingMs: () => number },
  ) {
    this.refreshed = model.onDidRefresh(() => this.scheduleNext());
  }

  request(reason: RefreshReason): Promise<void> | void {
    if (reason === 'manual' || reason === 'command') {
      clearTimeout(this.debounce);
      this.debounce = undefined;
      return this.model.refresh();
    }
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.model.refresh().catch((e) => this.log.error(`Refresh (${reason}) failed: ${errorMessage(e)}`));
    }, DEBOUNCE_MS);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.scheduleNext();
    if (visible) this.request('visible');
  }

  /** (Re)starts the timers after a settings change. */
  start(): void {
    this.scheduleNext();
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => void this.pingNow(), this.intervals.pingMs());
    void this.pingNow();
  }

  async pingNow(): Promise<void> {
    try {
      await this.model.ping();
    } catch (e) {
      this.log.error(`Pinging runtimes failed: ${errorMessage(e)}`);
    }
  }

  /** Milliseconds until the next look, from what the last refresh found. */
  nextDelayMs(): number {
    const poll = !this.model.needsPolling
      ? Math.max(SAFETY_POLL_MS, this.intervals.refreshMs())
      : this.visible
        ? this.intervals.refreshMs()
        : Math.max(HIDDEN_POLL_MS, this.intervals.refreshMs());
    const recheck = this.model.recheckInMs;
    return recheck === undefined ? poll : Math.min(poll, Math.max(MIN_RECHECK_MS, recheck));
  }

  private scheduleNext(): void {
    clearTimeout(this.next);
    this.next = setTimeout(() => this.request('poll'), this.nextDelayMs());
  }

  dispose(): void {
    this.refreshed.dispose();
    clearTimeout(this.debounce);
    clearTimeout(this.next);
    clearInterval(this.pingTimer);
  }
}
