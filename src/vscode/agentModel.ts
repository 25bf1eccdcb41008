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
  private refreshAgain = false;
  private pinging: Promise<PingResult[]> | undefined;
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly _onDidRefresh = new vscode.EventEmitter<void>();
  /** After every refresh, changed or not: the refresh manager plans the next one then. */
  readonly onDidRefresh = this._onDidRefresh.event;
  private _needsPolling = true;
  private _recheckInMs: number | undefined;
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
   * Some listed agents are on a runtime that does not push their changes (containers,
   * pods, a tmux too old for control-mode subscriptions), or a listing failed.
   */
  get needsPolling(): boolean {
    return this._needsPolling;
  }

  /** When a status shown now lapses by time alone; undefined if none does. */
  get recheckInMs(): number | undefined {
    return this._recheckInMs;
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

  /** Re-lists every runtime; calls during a refresh coalesce into one more refresh. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          // Runtimes say what they know (alive, exited, container state); the status service
          // refines live agents from hooks, screen and activity, capturing only changed panes.
          const listings = await this.manager.listAllAgents();
          const refined = await this.status.refine(listings, (h) => this.manager.getTmux(h));
          this._listings = refined.listings;
          this._recheckInMs = refined.recheckInMs;
          this._needsPolling = listings.some((l) => l.error !== undefined || (l.agents.length > 0 && !l.live));
          await this.scanWorktreesIfDue();
          this._orphans = findOrphans(this._listings, this.worktrees);
          // Drop runtimes that are no longer registered.
          const ids = new Set(this._listings.map((l) => l.runtimeId));
          for (const id of [...this._health.keys()]) if (!ids.has(id)) this._health.delete(id);
          const key = viewKey(this._listings, this._orphans);
          if (key !== this.lastViewKey || Date.now() - this.lastFiredAt >= AGE_RENDER_MS) {
            this.lastViewKey = key;
            this.fire();
          }
        } while (this.refreshAgain);
      } catch (e) {
        this._needsPolling = true;
        this.log.error(`Refreshing agents failed: ${errorMessage(e)}`);
      } finally {
        this.refreshing = undefined;
        this._onDidRefresh.fire();
      }
    })();
    return this.refreshing;
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
