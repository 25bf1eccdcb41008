// What brings an agent back after its container restarted (a Docker daemon restart or a
// reboot, with RestartPolicy unless-stopped): the container runs again but tmux and the
// CLI died with it. The user expects the agent to still be there, so its CLI is relaunched
// in a fresh session, once, without re-sending the task (that could redo work that was
// already done; the conversation itself is lost with the process).
// A spawn in progress also has a running container without a session for a moment, so a
// container must have been up for `graceMs` before it counts as restarted.
import { TmuxAgentsError, errorMessage } from '../../core/errors';
import type { Disposable } from '../../core/lifecycle';
import type { Logger } from '../../core/log';
import type { AgentLaunch, ProviderCatalog } from '../../core/providers';
import { LABEL } from './containerSpec';
import type { ContainerRow, StatusDecision } from './containerStatus';

/** The CLI to relaunch, from the container's labels; env and ready pattern from today's catalog. */
export function launchFromLabels(labels: Readonly<Record<string, string>>, providers: ProviderCatalog): AgentLaunch {
  let argv: unknown;
  try {
    argv = JSON.parse(labels[LABEL.launch] ?? '');
  } catch {
    argv = undefined;
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string')) {
    throw new TmuxAgentsError('spawn-failed', 'The container does not record which command to relaunch.', 'Kill the agent and spawn it again.');
  }
  let readyPattern: RegExp | undefined;
  let env: Record<string, string> = {};
  try {
    const p = providers.get(labels[LABEL.provider] ?? '');
    env = { ...(p.env ?? {}) };
    readyPattern = p.readyPattern ? new RegExp(p.readyPattern, 'm') : undefined;
  } catch {
    // An unknown provider or a bad pattern now: relaunch anyway and wait for a stable screen.
  }
  return { argv: argv as string[], env, readyPattern };
}

export interface SessionRestorerDeps {
  graceMs: number;
  /** Relaunches the agent's CLI in the container; resolves when it is ready. */
  restore: (row: ContainerRow) => Promise<void>;
  /** When the container last started (ms since epoch), or undefined if unknown. */
  startedAt: (containerId: string) => Promise<number | undefined>;
  /** The agent list changed (a restore finished, or a grace period ended). */
  onChange: () => void;
  log: Logger;
  now?: () => number;
}

const RESTORING: StatusDecision = { status: 'starting', reason: 'the container restarted; relaunching the agent CLI (its task is not re-sent)' };

export class SessionRestorer implements Disposable {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly failed = new Map<string, { startedAt: number; message: string }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private disposed = false;

  constructor(private readonly deps: SessionRestorerDeps) {}

  /** The in-flight restore of a container, for callers (and tests) that want to wait on it. */
  pending(containerId: string): Promise<void> | undefined {
    return this.inFlight.get(containerId);
  }

  /** While a restore runs the session exists before the CLI is ready: report it as restoring. */
  inProgress(containerId: string): StatusDecision | undefined {
    return this.inFlight.has(containerId) ? RESTORING : undefined;
  }

  /** A running container whose session is missing: the status to show; starts the restore when due. */
  async check(row: ContainerRow): Promise<StatusDecision> {
    if (this.inFlight.has(row.Id)) return RESTORING;
    const startedAt = await this.deps.startedAt(row.Id);
    if (startedAt === undefined) return { status: 'unknown', reason: 'the container is running without its tmux session, and its start time is unknown', sessionMissing: true };
    const failure = this.failed.get(row.Id);
    if (failure && failure.startedAt === startedAt) {
      return { status: 'failed', reason: `relaunching the agent after its container restarted failed: ${failure.message}`, sessionMissing: true };
    }
    const age = (this.deps.now ?? Date.now)() - startedAt;
    if (age < this.deps.graceMs) {
      this.hintAfter(row.Id, this.deps.graceMs - age);
      return { status: 'starting', reason: 'the container just started; waiting for its tmux session' };
    }
    if (this.disposed) return RESTORING;
    const p = this.deps
      .restore(row)
      .then(
        () => {
          this.failed.delete(row.Id);
        },
        (e: unknown) => {
          this.failed.set(row.Id, { startedAt, message: errorMessage(e) });
          this.deps.log.warn(`Relaunching the agent in container ${row.Id.slice(0, 12)} failed: ${errorMessage(e)}`);
        },
      )
      .finally(() => {
        this.inFlight.delete(row.Id);
        if (!this.disposed) this.deps.onChange();
      });
    this.inFlight.set(row.Id, p);
    return RESTORING;
  }

  /** Fires onChange after `ms` (once per container), so the list is re-read when the grace ends. */
  hintAfter(containerId: string, ms: number): void {
    if (this.disposed || this.timers.has(containerId)) return;
    const t = setTimeout(() => {
      this.timers.delete(containerId);
      if (!this.disposed) this.deps.onChange();
    }, Math.max(0, ms));
    t.unref?.();
    this.timers.set(containerId, t);
  }

  /** Forgets containers that no longer exist. */
  prune(liveIds: ReadonlySet<string>): void {
    for (const id of [...this.failed.keys()]) if (!liveIds.has(id)) this.failed.delete(id);
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
