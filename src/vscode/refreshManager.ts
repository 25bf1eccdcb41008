// One place decides when to re-list, and what. Manual refreshes re-list everything now; a
// runtime that pushes a change is re-listed alone (debounced). Otherwise the next look is
// planned after each refresh from what it found: a runtime with agents it cannot push
// (containers, pods, tmux older than 3.2) at the refresh interval, a status that lapses by
// time alone ("working" going quiet) exactly then, and everything once a minute as a
// safety net. With only pushed runtimes, idle agents cost nothing between those.
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/log';
import type { AgentModel } from './agentModel';

export type RefreshReason = 'manual' | 'command' | 'runtime-event' | 'config' | 'visible';

const DEBOUNCE_MS = 200;
/**
 * While the view is hidden we still look now and then: "agent is waiting for you" must
 * reach the user who is not looking at the tree. One tmux call per server, no captures
 * unless output changed.
 */
const HIDDEN_POLL_MS = 10_000;
/**
 * Everything is re-listed at least this often: it finds agents started by another window
 * on a server we are not attached to, and re-attaches a watcher that could not attach.
 */
export const SAFETY_POLL_MS = 60_000;
/** Nothing is planned sooner than this after the last look: never a busy loop. */
const MIN_DELAY_MS = 500;
/** Looks due within this of each other are taken together. */
const BATCH_MS = 250;

export interface LookPlan {
  delayMs: number;
  /** Runtime ids to re-list; undefined for all. */
  scope: string[] | undefined;
}

export class RefreshManager implements vscode.Disposable {
  private debounce: NodeJS.Timeout | undefined;
  private debounceScope: Set<string> | 'all' | undefined;
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

  /** `runtimeId`: only that runtime changed (a push); everything otherwise. */
  request(reason: RefreshReason, runtimeId?: string): Promise<void> | void {
    if (reason === 'manual' || reason === 'command') {
      clearTimeout(this.debounce);
      this.debounce = undefined;
      this.debounceScope = undefined;
      return this.model.refresh();
    }
    if (runtimeId === undefined) this.debounceScope = 'all';
    else if (this.debounceScope !== 'all') this.debounceScope = new Set(this.debounceScope).add(runtimeId);
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      const scope = this.debounceScope;
      this.debounce = undefined;
      this.debounceScope = undefined;
      this.model.refresh(scope === 'all' ? undefined : scope).catch((e) => this.log.error(`Refresh (${reason}) failed: ${errorMessage(e)}`));
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

  /** When to look next and at which runtimes, from what the last refreshes found. */
  plan(now = Date.now()): LookPlan {
    const due = this.dueLooks();
    const at = Math.max(now + MIN_DELAY_MS, Math.min(...due.map((d) => d.at)));
    return { delayMs: at - now, scope: scopeOf(due.filter((d) => d.at <= at + BATCH_MS)) };
  }

  private dueLooks(): Array<{ at: number; id?: string }> {
    const s = this.model.schedule();
    const refreshMs = this.intervals.refreshMs();
    const pollEvery = this.visible ? refreshMs : Math.max(HIDDEN_POLL_MS, refreshMs);
    const due: Array<{ at: number; id?: string }> = [{ at: s.lastFullRefreshAt + Math.max(SAFETY_POLL_MS, refreshMs) }];
    for (const r of s.runtimes) {
      if (r.needsPolling) due.push({ at: r.listedAt + pollEvery, id: r.id });
      if (r.recheckAt !== undefined) due.push({ at: r.recheckAt, id: r.id });
    }
    return due;
  }

  private scheduleNext(): void {
    clearTimeout(this.next);
    const { delayMs } = this.plan();
    this.next = setTimeout(() => {
      // Looked at again when the time comes: a push may have re-listed a runtime meanwhile.
      const due = this.dueLooks().filter((d) => d.at <= Date.now() + BATCH_MS);
      if (due.length === 0) return this.scheduleNext();
      this.model.refresh(scopeOf(due)).catch((e) => this.log.error(`Refresh (poll) failed: ${errorMessage(e)}`));
    }, delayMs);
  }

  dispose(): void {
    this.refreshed.dispose();
    clearTimeout(this.debounce);
    clearTimeout(this.next);
    clearInterval(this.pingTimer);
  }
}

/** undefined (everything) when the safety re-list is among them, else their runtime ids. */
function scopeOf(looks: ReadonlyArray<{ id?: string }>): string[] | undefined {
  return looks.some((d) => d.id === undefined) ? undefined : [...new Set(looks.map((d) => d.id!))];
}
