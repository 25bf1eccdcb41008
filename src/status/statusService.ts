// Refines the runtimes' listings with what each agent is doing, for every runtime alike:
// one tmux call per tmux server reads every agent's pane state and hook state, and a pane
// is captured only when its output changed since it was last read. With 50 idle agents on
// one server a refresh costs one tmux call and no captures.
import { withTimeout } from '../core/async';
import { errorMessage, isTmuxAgentsError } from '../core/errors';
import { DisposableBase, Emitter, type Event } from '../core/lifecycle';
import { nullLogger, type Logger } from '../core/log';
import type { RuntimeListing } from '../core/runtimeManager';
import type { AgentHandle, AgentInfo, AgentStatus } from '../core/types';
import { tmuxError } from '../tmux/tmuxErrors';
import type { TmuxService } from '../tmux/tmuxService';
import { parseProbeOutput, probeArgs, type ProbeLine, type ProbedPane } from './paneProbe';
import { buildScreenRules, type ScreenRuleSet } from './screenRules';
import { DEFAULT_DETECTOR_OPTIONS, detectStatus, hookFreshness, type Detection, type DetectorOptions } from './statusDetector';

export interface StatusTransition {
  handle: AgentHandle;
  provider: string;
  from: AgentStatus;
  to: AgentStatus;
  reason: string;
}

export interface RefineStats {
  /** tmux invocations that read pane state (one per tmux server and chunk). */
  probes: number;
  /** capture-pane invocations. */
  captures: number;
  /** Agents whose status was worked out here (the rest kept the runtime's word). */
  probed: number;
}

export interface RefineResult {
  listings: RuntimeListing[];
  transitions: StatusTransition[];
  stats: RefineStats;
  /** When some agent's status lapses by time alone (see Detection.expiresInSec); undefined if none does. */
  recheckInMs?: number;
  /** The same, per runtime id (runtimes with nothing lapsing are absent). */
  recheckInMsByRuntime: Map<string, number>;
}

export interface RefineOptions {
  /**
   * The listings are every runtime's (default). A partial refine (one runtime pushed a
   * change) keeps the state of agents of runtimes it was not given.
   */
  complete?: boolean;
}

export interface StatusServiceOptions {
  rules?: ScreenRuleSet;
  detector?: Partial<DetectorOptions>;
  /** Per tmux call; a probe that takes longer makes its agents "unknown", not the refresh late. */
  probeTimeoutMs?: number;
  /** Parallel tmux calls (one per container for container runtimes). */
  maxParallel?: number;
  logger?: Logger;
}

/**
 * Statuses the runtime decides on its own: nothing to probe. Exited, stopped and failed are
 * final; "starting" from a runtime means its container or session is still being set up
 * (a probe would only find no session). A tmux host runtime never lists "starting".
 */
const RUNTIME_DECIDED: ReadonlySet<AgentStatus> = new Set(['exited', 'stopped', 'failed', 'starting']);
/** display-message calls chained in one invocation; keeps the argv far below any limit. */
const PROBE_CHUNK = 64;

interface ScreenCacheEntry {
  activityAt: number | undefined;
  /** Server clock when captured: output later in the same second would not move activityAt. */
  capturedAt: number;
  screen: string;
}

interface Pending {
  agent: AgentInfo;
  key: string;
}

export const agentKey = (h: AgentHandle): string => `${h.runtimeId}\u0000${h.agentId}`;
const runtimeIdOf = (key: string): string => key.slice(0, key.indexOf('\u0000'));

export class StatusService extends DisposableBase {
  private rules: ScreenRuleSet;
  private detector: DetectorOptions;
  private readonly probeTimeoutMs: number;
  private readonly maxParallel: number;
  private readonly log: Logger;
  private readonly screens = new Map<string, ScreenCacheEntry>();
  /** Last status other than "unknown": one probe timeout must not look like a new transition. */
  private readonly lastKnown = new Map<string, AgentStatus>();
  private readonly _onDidTransition = this._register(new Emitter<StatusTransition>());
  /** Fired once per agent whose known status changed (never for "unknown", never on first sight). */
  readonly onDidTransition: Event<StatusTransition> = this._onDidTransition.event;
  /** Totals since creation, for the benchmark and the log. */
  readonly totals: RefineStats = { probes: 0, captures: 0, probed: 0 };

  constructor(opts: StatusServiceOptions = {}) {
    super();
    this.rules = opts.rules ?? buildScreenRules();
    this.detector = { ...DEFAULT_DETECTOR_OPTIONS, ...opts.detector, hook: { ...DEFAULT_DETECTOR_OPTIONS.hook, ...opts.detector?.hook } };
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 3_000;
    this.maxParallel = Math.max(1, opts.maxParallel ?? 8);
    this.log = opts.logger ?? nullLogger;
  }

  /** New rules (settings changed); cached screens are kept and re-read with them. */
  setRules(rules: ScreenRuleSet): void {
    this.rules = rules;
  }

  async refine(listings: readonly RuntimeListing[], getTmux: (handle: AgentHandle) => TmuxService, opts: RefineOptions = {}): Promise<RefineResult> {
    const stats: RefineStats = { probes: 0, captures: 0, probed: 0 };
    const out: RuntimeListing[] = listings.map((l) => ({ ...l, agents: [...l.agents] }));
    const results = new Map<string, Detection>();
    const groups = new Map<TmuxService, Pending[]>();

    out.forEach((listing) => {
      listing.agents.forEach((agent) => {
        const key = agentKey(agent.handle);
        if (RUNTIME_DECIDED.has(agent.status)) {
          this.screens.delete(key);
          results.set(key, { status: agent.status, reason: agent.statusReason ?? agent.status, signal: 'runtime' });
          return;
        }
        let tmux: TmuxService;
        try {
          tmux = getTmux(agent.handle);
        } catch (e) {
          results.set(key, { status: 'unknown', reason: `no tmux access: ${errorMessage(e)}`, signal: 'probe' });
          return;
        }
        const group = groups.get(tmux) ?? [];
        group.push({ agent, key });
        groups.set(tmux, group);
      });
    });

    const jobs: Array<{ tmux: TmuxService; items: Pending[] }> = [];
    for (const [tmux, items] of groups) {
      for (let i = 0; i < items.length; i += PROBE_CHUNK) jobs.push({ tmux, items: items.slice(i, i + PROBE_CHUNK) });
    }
    await mapLimit(jobs, this.maxParallel, async ({ tmux, items }) => {
      const lines = await this.probe(tmux, items.map((p) => p.agent.handle.sessionName), stats);
      await mapLimit(items.map((p, i) => ({ p, line: lines[i]! })), this.maxParallel, async ({ p, line }) => {
        stats.probed++;
        results.set(p.key, await this.decide(tmux, p, line, stats));
      });
    });

    const transitions: StatusTransition[] = [];
    const seen = new Set<string>();
    out.forEach((listing) => {
      listing.agents = listing.agents.map((agent) => {
        const key = agentKey(agent.handle);
        seen.add(key);
        const d = results.get(key);
        if (!d) return agent;
        const t = this.noteStatus(key, agent, d);
        if (t) transitions.push(t);
        return { ...agent, status: d.status, statusReason: d.reason };
      });
    });
    this.forgetMissing(listings, seen, opts.complete ?? true);

    for (const k of Object.keys(stats) as Array<keyof RefineStats>) this.totals[k] += stats[k];
    for (const t of transitions) this._onDidTransition.fire(t);
    const byRuntime = recheckByRuntime(results);
    const soonest = Math.min(...byRuntime.values());
    return { listings: out, transitions, stats, recheckInMs: Number.isFinite(soonest) ? soonest : undefined, recheckInMsByRuntime: byRuntime };
  }

  private async probe(tmux: TmuxService, sessions: string[], stats: RefineStats): Promise<ProbeLine[]> {
    const argv = tmux.argv(probeArgs(sessions));
    stats.probes++;
    try {
      const r = await withTimeout(tmux.executor.exec(argv, { timeoutMs: this.probeTimeoutMs }), this.probeTimeoutMs + 500, `Status probe on ${tmux.where}`);
      if (r.exitCode !== 0) throw tmuxError(argv, r, tmux.where);
      return parseProbeOutput(sessions, r.stdout);
    } catch (e) {
      const error = isTmuxAgentsError(e, 'timeout') ? `status probe timed out after ${this.probeTimeoutMs} ms` : `status probe failed: ${errorMessage(e)}`;
      this.log.warn(`${error} (${sessions.length} agents on ${tmux.where})`);
      return sessions.map(() => ({ ok: false, error }));
    }
  }

  private async decide(tmux: TmuxService, p: Pending, line: ProbeLine, stats: RefineStats): Promise<Detection> {
    if (!line.ok) {
      this.screens.delete(p.key);
      return detectStatus({ provider: p.agent.provider, now: NaN, probeError: line.error });
    }
    const probed = line.value;
    const rules = this.rules.forProvider(p.agent.provider);
    let screen: string | undefined;
    if (rules && this.needsScreen(probed)) {
      try {
        screen = await this.screenOf(tmux, p, probed, stats);
      } catch (e) {
        const error = isTmuxAgentsError(e, 'timeout') ? `capturing the pane timed out after ${this.probeTimeoutMs} ms` : `capturing the pane failed: ${errorMessage(e)}`;
        return detectStatus({ provider: p.agent.provider, now: probed.now, probeError: error });
      }
    }
    const created = p.agent.createdAt?.getTime();
    return detectStatus(
      {
        provider: p.agent.provider,
        now: probed.now,
        startedAt: created && created > 0 ? Math.floor(created / 1000) : undefined,
        pane: probed.pane,
        hook: probed.hook,
        screen,
        rules,
      },
      this.detector,
    );
  }

  /** The screen is read only when a weaker signal than the pane and the hook must decide. */
  private needsScreen(p: ProbedPane): boolean {
    if (p.pane.dead) return false;
    return !hookFreshness(p.hook, p.pane, p.now, this.detector.hook).fresh;
  }

  private async screenOf(tmux: TmuxService, p: Pending, probed: ProbedPane, stats: RefineStats): Promise<string> {
    const activityAt = probed.pane.activityAt;
    const cached = this.screens.get(p.key);
    if (cached && activityAt !== undefined && cached.activityAt === activityAt && cached.capturedAt > activityAt) return cached.screen;
    stats.captures++;
    const screen = await withTimeout(tmux.capturePane(p.agent.handle.sessionName), this.probeTimeoutMs, `Capturing agent ${p.agent.handle.agentId}`);
    this.screens.set(p.key, { activityAt, capturedAt: probed.now, screen });
    return screen;
  }

  private noteStatus(key: string, agent: AgentInfo, d: Detection): StatusTransition | undefined {
    if (d.status === 'unknown') return undefined;
    const before = this.lastKnown.get(key);
    this.lastKnown.set(key, d.status);
    if (before === undefined || before === d.status) return undefined;
    return { handle: agent.handle, provider: agent.provider, from: before, to: d.status, reason: d.reason };
  }

  /**
   * Drops state of agents that are gone; a runtime whose listing failed keeps its agents'
   * state, and so does every runtime a partial refine was not given.
   */
  private forgetMissing(listings: readonly RuntimeListing[], seen: Set<string>, complete: boolean): void {
    const failed = new Set(listings.filter((l) => l.error).map((l) => l.runtimeId));
    const given = new Set(listings.map((l) => l.runtimeId));
    for (const map of [this.lastKnown, this.screens] as Array<Map<string, unknown>>) {
      for (const key of [...map.keys()]) {
        const runtimeId = runtimeIdOf(key);
        if (seen.has(key) || failed.has(runtimeId) || (!complete && !given.has(runtimeId))) continue;
        map.delete(key);
      }
    }
  }
}

/**
 * Per runtime, the soonest lapse, plus a second: tmux's clock has whole seconds, and a check
 * exactly at the boundary would still see the old status.
 */
function recheckByRuntime(results: ReadonlyMap<string, Detection>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, d] of results) {
    if (d.expiresInSec === undefined || !Number.isFinite(d.expiresInSec)) continue;
    const runtimeId = runtimeIdOf(key);
    const ms = (Math.max(0, d.expiresInSec) + 1) * 1000;
    out.set(runtimeId, Math.min(out.get(runtimeId) ?? Infinity, ms));
  }
  return out;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
