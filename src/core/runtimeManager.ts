// The one registry and router of runtimes. Routing always uses the runtime id inside the
// handle; a slow or failing runtime never hides the others' agents.
import { withTimeout } from './async';
import { TmuxAgentsError, errorMessage } from './errors';
import { validateAgentId, validateRuntimeId } from './ids';
import { DisposableBase, Emitter, toDisposable, type Disposable, type Event } from './lifecycle';
import { nullLogger, type Logger } from './log';
import type { AgentConfig, AgentHandle, AgentInfo, AgentRuntime, AttachCommand } from './types';
import type { TmuxService } from '../tmux/tmuxService';

export interface RuntimeListing {
  runtimeId: string;
  runtimeType: string;
  label: string;
  agents: AgentInfo[];
  /** Set when listing failed or timed out; `agents` is then empty. */
  error?: string;
  /** The runtime pushes its agents' changes (AgentRuntime.isLive) as of this listing. */
  live?: boolean;
}

export interface PingResult {
  runtimeId: string;
  runtimeType: string;
  label: string;
  ok: boolean;
  error?: string;
  latencyMs: number;
}

export interface RuntimeManagerOptions {
  listTimeoutMs?: number;
  pingTimeoutMs?: number;
  logger?: Logger;
}

export class RuntimeManager extends DisposableBase {
  private readonly runtimes = new Map<string, { runtime: AgentRuntime; sub?: Disposable }>();
  private readonly _onDidChangeRuntimes = this._register(new Emitter<void>());
  private readonly _onDidChangeAgents = this._register(new Emitter<{ runtimeId: string }>());
  readonly onDidChangeRuntimes: Event<void> = this._onDidChangeRuntimes.event;
  /** Fired after our own spawn/kill and when a runtime reports outside changes. */
  readonly onDidChangeAgents: Event<{ runtimeId: string }> = this._onDidChangeAgents.event;
  private readonly listTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  private readonly log: Logger;

  constructor(opts: RuntimeManagerOptions = {}) {
    super();
    this.listTimeoutMs = opts.listTimeoutMs ?? 10_000;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 5_000;
    this.log = opts.logger ?? nullLogger;
    this._register(toDisposable(() => this.unregisterAll()));
  }

  register(id: string, runtime: AgentRuntime): Disposable {
    validateRuntimeId(id);
    if (runtime.id !== id) {
      throw new TmuxAgentsError('invalid-input', `Runtime registered as "${id}" reports id "${runtime.id}".`);
    }
    if (this.runtimes.has(id)) {
      throw new TmuxAgentsError('runtime-exists', `A runtime with id "${id}" is already registered.`, 'Give each runtime in tmuxAgents.runtimes a unique id.');
    }
    const sub = runtime.onDidChangeAgents?.(() => this._onDidChangeAgents.fire({ runtimeId: id }));
    this.runtimes.set(id, { runtime, sub });
    this._onDidChangeRuntimes.fire();
    return toDisposable(() => this.unregister(id));
  }

  unregister(id: string): void {
    const entry = this.runtimes.get(id);
    if (!entry) return;
    this.runtimes.delete(id);
    entry.sub?.dispose();
    try {
      entry.runtime.dispose?.();
    } catch (e) {
      this.log.warn(`Disposing runtime ${id} failed: ${errorMessage(e)}`);
    }
    this._onDidChangeRuntimes.fire();
  }

  private unregisterAll(): void {
    for (const id of [...this.runtimes.keys()]) this.unregister(id);
  }

  get(id: string): AgentRuntime {
    const entry = this.runtimes.get(id);
    if (!entry) {
      const known = [...this.runtimes.keys()];
      throw new TmuxAgentsError(
        'runtime-not-found',
        `No runtime "${id}" is registered.`,
        known.length ? `Registered runtimes: ${known.join(', ')}.` : 'Add one in the tmuxAgents.runtimes setting.',
      );
    }
    return entry.runtime;
  }

  list(): AgentRuntime[] {
    return [...this.runtimes.values()].map((e) => e.runtime);
  }

  async spawnAgent(runtimeId: string, config: AgentConfig, signal?: AbortSignal): Promise<AgentHandle> {
    validateAgentId(config.agentId);
    const runtime = this.get(runtimeId);
    this.log.info(`Spawning agent ${config.agentId} (${config.aiProvider}) on ${runtimeId}`);
    try {
      const handle = await runtime.spawnAgent(config, signal);
      return handle;
    } finally {
      // Fire either way: a failed spawn may have shown up briefly in another listing.
      this._onDidChangeAgents.fire({ runtimeId });
    }
  }

  async killAgent(handle: AgentHandle): Promise<void> {
    const runtime = this.get(handle.runtimeId);
    this.log.info(`Killing agent ${handle.agentId} on ${handle.runtimeId}`);
    try {
      await runtime.killAgent(handle);
    } finally {
      this._onDidChangeAgents.fire({ runtimeId: handle.runtimeId });
    }
  }

  getTmux(handle: AgentHandle): TmuxService {
    return this.get(handle.runtimeId).getTmux(handle);
  }

  getAttachCommand(handle: AgentHandle): AttachCommand {
    return this.get(handle.runtimeId).getAttachCommand(handle);
  }

  async listAgents(runtimeId: string): Promise<RuntimeListing> {
    const runtime = this.get(runtimeId);
    const base = { runtimeId, runtimeType: runtime.type, label: runtime.label };
    try {
      const agents = await withTimeout(runtime.listAgents(), this.listTimeoutMs, `Listing agents on ${runtime.label}`);
      return { ...base, agents, live: runtime.isLive?.() ?? false };
    } catch (e) {
      this.log.warn(`Listing agents on ${runtimeId} failed: ${errorMessage(e)}`);
      return { ...base, agents: [], error: errorMessage(e) };
    }
  }

  /** Every runtime in parallel; each result stands alone. */
  listAllAgents(): Promise<RuntimeListing[]> {
    return Promise.all([...this.runtimes.keys()].map((id) => this.listAgents(id)));
  }

  async ping(runtimeId: string): Promise<PingResult> {
    const runtime = this.get(runtimeId);
    const started = Date.now();
    const base = { runtimeId, runtimeType: runtime.type, label: runtime.label };
    try {
      await withTimeout(runtime.ping(), this.pingTimeoutMs, `Ping of ${runtime.label}`);
      return { ...base, ok: true, latencyMs: Date.now() - started };
    } catch (e) {
      return { ...base, ok: false, error: errorMessage(e), latencyMs: Date.now() - started };
    }
  }

  pingAll(): Promise<PingResult[]> {
    return Promise.all([...this.runtimes.keys()].map((id) => this.ping(id)));
  }
}
