// One place decides when to re-list: manual refreshes run now, everything else is
// debounced, polling is frequent while the view is visible and slow while it is hidden.
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

export class RefreshManager implements vscode.Disposable {
  private debounce: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private visible = false;

  constructor(
    private readonly model: AgentModel,
    private readonly log: Logger,
    private readonly intervals: { refreshMs: () => number; pingMs: () => number },
  ) {}

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
    this.schedulePoll();
    if (visible) this.request('visible');
  }

  /** (Re)starts the timers after a settings change. */
  start(): void {
    this.schedulePoll();
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

  private schedulePoll(): void {
    clearInterval(this.poll);
    this.poll = undefined;
    const every = this.visible ? this.intervals.refreshMs() : Math.max(HIDDEN_POLL_MS, this.intervals.refreshMs());
    this.poll = setInterval(() => this.request('poll'), every);
  }

  dispose(): void {
    clearTimeout(this.debounce);
    clearInterval(this.poll);
    clearInterval(this.pingTimer);
  }
}
