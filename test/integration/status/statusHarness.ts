// Shared by the status integration tests: the replay agent as a provider, a watcher that
// refreshes like the VS Code layer will (RuntimeManager listing, then StatusService) and
// records every status and transition, and a labelled tmux session started by hand for CLIs
// that end before the spawn flow would call them ready.
import { resolve } from 'node:path';
import { pollUntil } from '../../../src/core/async';
import { ProviderCatalog } from '../../../src/core/providers';
import { RuntimeManager } from '../../../src/core/runtimeManager';
import type { AgentInfo, AgentRuntime, AgentStatus } from '../../../src/core/types';
import { StatusService, type StatusServiceOptions, type StatusTransition } from '../../../src/status/statusService';
import { labelOptions } from '../../../src/tmux/sessionLabels';
import type { TmuxService } from '../../../src/tmux/tmuxService';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
export const REPLAY_AGENT = resolve(FIXTURES, 'replay-agent.mjs');

/** Claude's provider entry replaced by the replay agent: the status rules of Claude apply to it. */
export function replayAsClaude(steps: string[], opts: { node?: string; script?: string } = {}): ProviderCatalog {
  return new ProviderCatalog({
    claude: {
      command: [opts.node ?? process.execPath, opts.script ?? REPLAY_AGENT, ...steps],
      // The first replayed screen is Claude's banner: ready means "drawn", as the spawn flow needs.
      readyPattern: 'Welcome to Claude Code',
    },
  });
}

export class StatusWatcher {
  readonly manager = new RuntimeManager({ listTimeoutMs: 15_000 });
  readonly service: StatusService;
  readonly transitions: StatusTransition[] = [];
  /** Every distinct "status: reason" seen per agent, in order. */
  readonly history = new Map<string, string[]>();
  private last: AgentInfo[] = [];

  constructor(runtimes: AgentRuntime[], opts: StatusServiceOptions = {}) {
    for (const r of runtimes) this.manager.register(r.id, r);
    this.service = new StatusService(opts);
    this.service.onDidTransition((t) => this.transitions.push(t));
  }

  /** One refresh, as AgentModel.refresh will do it. */
  async refresh(): Promise<AgentInfo[]> {
    const listings = await this.manager.listAllAgents();
    const failed = listings.filter((l) => l.error);
    if (failed.length) throw new Error(`listing failed: ${failed.map((l) => `${l.runtimeId}: ${l.error}`).join('; ')}`);
    const r = await this.service.refine(listings, (h) => this.manager.getTmux(h));
    this.last = r.listings.flatMap((l) => l.agents);
    for (const a of this.last) {
      const h = this.history.get(a.handle.agentId) ?? [];
      const entry = `${a.status}: ${a.statusReason}`;
      if (h.at(-1) !== entry) h.push(entry);
      this.history.set(a.handle.agentId, h);
    }
    return this.last;
  }

  /** Refreshes until the agent has `status` (and a reason matching `reason`); fails with its history. */
  async waitFor(agentId: string, status: AgentStatus, opts: { reason?: RegExp; timeoutMs?: number } = {}): Promise<AgentInfo> {
    const timeoutMs = opts.timeoutMs ?? 15_000;
    const found = await pollUntil(
      async () => {
        const a = (await this.refresh()).find((x) => x.handle.agentId === agentId);
        return a && a.status === status && (!opts.reason || opts.reason.test(a.statusReason ?? '')) ? a : undefined;
      },
      { timeoutMs, intervalMs: 50, maxIntervalMs: 250 },
    );
    if (!found) {
      throw new Error(
        `agent ${agentId} did not become ${status}${opts.reason ? ` (${opts.reason})` : ''} within ${timeoutMs} ms; seen:\n  ${(this.history.get(agentId) ?? ['(never listed)']).join('\n  ')}`,
      );
    }
    return found;
  }

  transitionsOf(agentId: string): string[] {
    return this.transitions.filter((t) => t.handle.agentId === agentId).map((t) => `${t.from}->${t.to}`);
  }

  dispose(): void {
    this.service.dispose();
    this.manager.dispose();
  }
}

export interface ManualSession {
  session: string;
  agentId: string;
  runtimeId: string;
  provider: string;
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
}

/**
 * The spawn flow's steps (src/tmux/agentSession.ts: placeholder `cat`, labels and
 * remain-on-exit, then the CLI) without its readiness wait, which removes a session whose
 * CLI exits before it is ready: here the exit itself is what a test looks at.
 */
export async function startLabelledSession(tmux: TmuxService, s: ManualSession): Promise<void> {
  await tmux.newSession({ name: s.session, cwd: s.cwd, width: 200, height: 50, command: ['cat'] });
  await tmux.setOptions(
    s.session,
    labelOptions({ agentId: s.agentId, runtimeId: s.runtimeId, provider: s.provider, createdAt: new Date(), cwd: s.cwd }),
    { 'remain-on-exit': 'on' },
  );
  await tmux.respawnPane(s.session, s.argv, { cwd: s.cwd, env: s.env });
}

/** Polls until `probe` gives a value; fails with `what` at the deadline. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const v = await pollUntil(probe, { timeoutMs, intervalMs: 50, maxIntervalMs: 250 });
  if (v === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}
