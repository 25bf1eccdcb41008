// Owns what we know about runtimes and agents; the tree and status bar only render it.
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { Logger } from '../core/log';
import type { PingResult, RuntimeListing, RuntimeManager } from '../core/runtimeManager';
import type { AgentInfo } from '../core/types';
import { findOrphans, isOrphanSession, type Orphan } from '../orphans/findOrphans';
import { reasonWithoutAges, type StatusService } from '../status';
import type { AgentWorktreeRow } from '../worktrees/agentWorktreeLifecycle';

/** Worktrees are re-read at most this often (git calls), unless a command asks for it sooner. */
const WORKTREE_SCAN_INTERVAL_MS = 30_000;
/** Ages in the tree are re-rendered this often even when nothing else changed. */
const AGE_RENDER_MS = 60_000;

/**
 * What the views show, minus ages (also those inside status reasons, "output 3s ago"): a
 * refresh that finds the same re-renders nothing, so a row under the mouse is not replaced
 * while the user clicks its inline action. Ages are re-rendered once a minute.
 */
function viewKey(listings: readonly RuntimeListing[], orphans: readonly Orphan[]): string {
  return JSON.stringify([
    listings.map((l) => [l.runtimeId, l.label, l.error, l.agents.map((a) => [a.handle, a.status, a.statusReason && reasonWithoutAges(a.statusReason), a.provider, a.taskSummary, a.workingDirectory, a.sessionMissing])]),
    orphans,
  ]);
}

export class AgentModel implements vscode.Disposable {
  private _listings: RuntimeListing[] = [];
  private readonly _health = new Map<string, PingResult>();
  private _orphans: Orphan[] = [];
  private worktrees: AgentWorktreeRow[] = [];
  private worktreesScannedAt: number | undefined;
  private refreshing: Promise<void> | undefined;
  private pending: Set<string> | 'all' | undefined;
  /** When each runtime was last listed, and when a status it showed lapses by time alone. */
  private readonly listedAt = new Map<string, number>();
  private readonly recheckAt = new Map<string, number>();
  private _lastFullRefreshAt = 0;
  private pinging: Promise<PingResult[]> | undefined;
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidRefresh = new vscode.EventEmitter<void>();
  /** After every refresh, changed or not: the refresh manager plans the next one then. */
  readonly onDidRefresh = this._onDidRefresh.event;

  private lastViewKey = '';
  private lastFiredAt = 0;

  constructor(
    private readonly manager: RuntimeManager,
    private readonly status: StatusService,
    private readonly log: Logger,
    /** The agent worktrees of the workspace's repositories, for the Orphans group. */
    private readonly scanWorktrees?: () => Promise<AgentWorktreeRow[]>,
  ) {}

  /** Things labelled as ours that no runtime reports as a healthy agent. */
  get orphans(): readonly Orphan[] {
    return this._orphans;
  }

  /** The next refresh re-reads the worktrees (after a spawn, kill or clean-up changed them). */
  rescanWorktrees(): void {
    this.worktreesScannedAt = undefined;
  }

  /**
   * What the refresh manager plans with, per registered runtime: when it was last listed,
   * whether it must be polled (it has agents but does not push their changes: containers,
   * pods, a tmux too old for control mode; or its listing failed), and when a status it
   * shows lapses by time alone.
   */
  schedule(): { lastFullRefreshAt: number; runtimes: Array<{ id: string; listedAt: number; needsPolling: boolean; recheckAt?: number }> } {
    return {
      lastFullRefreshAt: this._lastFullRefreshAt,
      runtimes: this._listings.map((l) => ({
        id: l.runtimeId,
        listedAt: this.listedAt.get(l.runtimeId) ?? 0,
        needsPolling: l.error !== undefined || (l.agents.length > 0 && !l.live),
        recheckAt: this.recheckAt.get(l.runtimeId),
      })),
    };
  }

  get listings(): readonly RuntimeListing[] {
    return this._listings;
  }

  health(runtimeId: string): PingResult | undefined {
    return this._health.get(runtimeId);
  }

  /** Every agent the views show (containers without their session are orphans, not agents). */
  get allAgents(): AgentInfo[] {
    return this._listings.flatMap((l) => l.agents.filter((a) => !isOrphanSession(a)));
  }

  findAgent(runtimeId: string, agentId: string): AgentInfo | undefined {
    return this._listings.find((l) => l.runtimeId === runtimeId)?.agents.find((a) => a.handle.agentId === agentId);
  }

  /**
   * Re-lists the runtimes in `scope` (all when omitted), keeping the others' last listing:
   * a push from one runtime does not re-list fifty containers of another. Calls during a
   * refresh coalesce into one more refresh of everything they asked for.
   */
  refresh(scope?: Iterable<string>): Promise<void> {
    if (scope === undefined) this.pending = 'all';
    else if (this.pending !== 'all') {
      const ids = this.pending ?? new Set<string>();
      for (const id of scope) ids.add(id);
      this.pending = ids;
    }
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        while (this.pending) {
          const next = this.pending;
          this.pending = undefined;
          await this.refreshOnce(next === 'all' ? undefined : next);
        }
      } finally {
        this.refreshing = undefined;
        this._onDidRefresh.fire();
      }
    })();
    return this.refreshing;
  }

  private async refreshOnce(scope: ReadonlySet<string> | undefined): Promise<void> {
    try {
      const ids = this.manager.list().map((r) => r.id);
      // A runtime never listed yet (just registered) is always in scope.
      const targets = ids.filter((id) => !scope || scope.has(id) || !this.listedAt.has(id));
      const complete = targets.length === ids.length;
      // Runtimes say what they know (alive, exited, container state); the status service
      // refines live agents from hooks, screen and activity, capturing only changed panes.
      const fresh = await Promise.all(targets.map((id) => this.manager.listAgents(id)));
      const refined = await this.status.refine(fresh, (h) => this.manager.getTmux(h), { complete });
      const byId = new Map(this._listings.map((l) => [l.runtimeId, l]));
      for (const l of refined.listings) byId.set(l.runtimeId, l);
      this._listings = ids.map((id) => byId.get(id)).filter((l): l is RuntimeListing => l !== undefined);
      const now = Date.now();
      for (const id of targets) {
        this.listedAt.set(id, now);
        const recheck = refined.recheckInMsByRuntime.get(id);
        if (recheck === undefined) this.recheckAt.delete(id);
        else this.recheckAt.set(id, now + recheck);
      }
      if (complete) this._lastFullRefreshAt = now;
      // Drop runtimes that are no longer registered.
      const registered = new Set(ids);
      for (const map of [this._health, this.listedAt, this.recheckAt] as Array<Map<string, unknown>>) {
        for (const id of [...map.keys()]) if (!registered.has(id)) map.delete(id);
      }
      await this.scanWorktreesIfDue();
      this._orphans = findOrphans(this._listings, this.worktrees);
      const key = viewKey(this._listings, this._orphans);
      if (key !== this.lastViewKey || Date.now() - this.lastFiredAt >= AGE_RENDER_MS) {
        this.lastViewKey = key;
        this.fire();
      }
    } catch (e) {
      this.log.error(`Refreshing agents failed: ${errorMessage(e)}`);
    }
  }

  private async scanWorktreesIfDue(): Promise<void> {
    if (!this.scanWorktrees) return;
    if (this.worktreesScannedAt !== undefined && Date.now() - this.worktreesScannedAt < WORKTREE_SCAN_INTERVAL_MS) return;
    try {
      this.worktrees = await this.scanWorktrees();
    } catch (e) {
      this.log.warn(`Listing agent worktrees failed: ${errorMessage(e)}`);
    }
    this.worktreesScannedAt = Date.now();
  }

  /** Pings every runtime; a ping already in flight is shared, never doubled. */
  ping(): Promise<PingResult[]> {
    if (!this.pinging) {
      this.pinging = this.manager
        .pingAll()
        .then((results) => {
          for (const r of results) {
            const before = this._health.get(r.runtimeId);
            if (before?.ok !== r.ok) this.log.info(`Runtime ${r.runtimeId} is ${r.ok ? 'healthy' : `unhealthy: ${r.error}`}`);
            this._health.set(r.runtimeId, r);
          }
          this.fire();
          return results;
        })
        .finally(() => {
          this.pinging = undefined;
        });
    }
    return this.pinging;
  }

  private fire(): void {
    this.lastFiredAt = Date.now();
    this._onDidChange.fire();
  }

  dispose(): void {
    this._onDidChange.dispose();
    this._onDidRefresh.dispose();
  }
}
