// A runtime whose agents are sessions on one tmux server reached through an executor:
// this machine (local) or a remote host (SSH). Agents are found by their session labels.
import { settleWithin } from '../../core/async';
import { TmuxAgentsError } from '../../core/errors';
import { toDisposable, type Event } from '../../core/lifecycle';
import type { Logger } from '../../core/log';
import { sessionNameFor, validateAgentId, validateSessionName } from '../../core/ids';
import { ProviderCatalog } from '../../core/providers';
import type { AgentConfig, AgentHandle, AgentInfo, AgentRuntime, AttachCommand } from '../../core/types';
import { launchAgentSession } from '../../tmux/agentSession';
import type { CommandExecutor } from '../../tmux/executor';
import { SESSION_FIELDS, labelOptions, parseSessionRow } from '../../tmux/sessionLabels';
import { TmuxService } from '../../tmux/tmuxService';
import { sessionTarget } from '../../tmux/tmuxCommands';
import { FIRST_ATTACH_WAIT_MS, TmuxChangeWatcher } from '../../tmux/tmuxChangeWatcher';
import { STATUS_WATCH_FORMATS } from '../../status/watchFormats';

export interface TmuxHostRuntimeOptions {
  id: string;
  label: string;
  executor: CommandExecutor;
  socketName: string;
  providers?: ProviderCatalog;
  readyTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** See TmuxServiceOptions.utf8: for executors whose commands get no UTF-8 locale. */
  utf8?: boolean;
  /** See TmuxServiceOptions.configFile. */
  tmuxConfigFile?: string;
  /** See TmuxChangeWatcherOptions.activityThrottleMs. */
  activityThrottleMs?: number;
  /** Watch the agents through a tmux control-mode client while someone listens. Default true. */
  liveUpdates?: boolean;
  logger?: Logger;
}

export abstract class TmuxHostRuntime implements AgentRuntime {
  abstract readonly type: string;
  readonly id: string;
  readonly label: string;
  protected readonly tmux: TmuxService;
  protected readonly providers: ProviderCatalog;
  protected readonly readyTimeoutMs: number;
  private readonly watcher: TmuxChangeWatcher;
  private listeners = 0;
  private liveUpdates: boolean;

  constructor(protected readonly opts: TmuxHostRuntimeOptions) {
    this.id = opts.id;
    this.label = opts.label;
    this.tmux = new TmuxService(opts.executor, { socketName: opts.socketName, timeoutMs: opts.commandTimeoutMs, utf8: opts.utf8, configFile: opts.tmuxConfigFile });
    this.providers = opts.providers ?? new ProviderCatalog();
    this.readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
    this.liveUpdates = opts.liveUpdates ?? true;
    this.watcher = new TmuxChangeWatcher({ tmux: this.tmux, formats: STATUS_WATCH_FORMATS, activityThrottleMs: opts.activityThrottleMs, logger: opts.logger });
  }

  /**
   * Fires when sessions come or go, a pane dies, a hook reports or output appears (at most
   * every couple of seconds), pushed by tmux itself (see TmuxChangeWatcher). The control
   * client is attached by the first listing that finds an agent while someone listens.
   */
  readonly onDidChangeAgents: Event<void> = (listener) => {
    const sub = this.watcher.onDidChange(() => listener());
    this.listeners++;
    return toDisposable(() => {
      sub.dispose();
      // Nobody listens any more: no reason to keep a client attached.
      if (--this.listeners === 0) this.watcher.detach();
    });
  };

  /** Turns the control-mode watcher on (attached by the next listing) or off (detached now). */
  setLiveUpdates(on: boolean): void {
    this.liveUpdates = on;
    if (!on) this.watcher.detach();
  }

  /** True while tmux pushes every change of this runtime's agents: polling them is not needed. */
  isLive(): boolean {
    return this.watcher.isLive;
  }

  /** Runs commands where the agents' tmux server (and their working directories) live: git for worktrees uses it. */
  get hostExecutor(): CommandExecutor {
    return this.opts.executor;
  }

  /** argv that opens an interactive attach to `argv` (tmux attach) where the server lives. */
  protected abstract wrapAttach(tmuxAttachArgv: string[]): string[];

  async spawnAgent(config: AgentConfig, signal?: AbortSignal): Promise<AgentHandle> {
    validateAgentId(config.agentId);
    // Secrets reach the process environment only (tmux -e), never the session labels.
    const launch = this.providers.resolveLaunch({ ...config, env: { ...config.env, ...config.secretEnv } });
    const sessionName = config.sessionName !== undefined ? validateSessionName(config.sessionName) : sessionNameFor(config.agentId);
    await this.checkDirectory(config.workingDirectory);
    if (await this.tmux.hasSession(sessionName)) {
      throw new TmuxAgentsError('agent-exists', `An agent session "${sessionName}" already exists on ${this.label}.`, 'Choose another agent id, or kill the existing agent first.');
    }
    await launchAgentSession(this.tmux, {
      sessionName,
      cwd: config.workingDirectory,
      launch,
      labels: labelOptions({
        agentId: config.agentId,
        runtimeId: this.id,
        provider: config.aiProvider,
        createdAt: new Date(),
        task: config.task,
        cwd: config.workingDirectory,
      }),
      task: config.task,
      readyTimeoutMs: this.readyTimeoutMs,
      signal,
    });
    return this.handleFor(config.agentId, sessionName);
  }

  protected handleFor(agentId: string, sessionName: string): AgentHandle {
    return { runtimeType: this.type, runtimeId: this.id, agentId, sessionName, data: {} };
  }

  private async checkDirectory(dir: string): Promise<void> {
    if (!dir) throw new TmuxAgentsError('invalid-input', 'No working directory given.');
    const r = await this.opts.executor.exec(['test', '-d', dir], { timeoutMs: 10_000 });
    if (r.exitCode !== 0) {
      throw new TmuxAgentsError('invalid-input', `Working directory ${JSON.stringify(dir)} does not exist on ${this.opts.executor.where}.`, 'Pick an existing folder.');
    }
  }

  async killAgent(handle: AgentHandle): Promise<void> {
    this.assertOwn(handle);
    try {
      await this.tmux.killSession(handle.sessionName);
    } catch (e) {
      if (e instanceof TmuxAgentsError && (e.code === 'tmux-no-session' || e.code === 'tmux-no-server')) {
        throw new TmuxAgentsError('agent-not-found', `Agent ${handle.agentId} is no longer running on ${this.label}.`, 'Refresh the view.');
      }
      throw e;
    }
  }

  async listAgents(): Promise<AgentInfo[]> {
    const rows = await this.tmux.listSessions(SESSION_FIELDS);
    const out: AgentInfo[] = [];
    for (const row of rows) {
      const s = parseSessionRow(row);
      if (!s || s.labels.runtimeId !== this.id) continue;
      out.push({
        handle: this.handleFor(s.labels.agentId, s.sessionName),
        status: s.paneDead ? 'exited' : 'running',
        statusReason: s.paneDead
          ? s.paneDeadStatus !== undefined
            ? `the agent process exited with status ${s.paneDeadStatus}`
            : 'the agent process exited (tmux has not reported its exit status)'
          : 'the tmux pane is alive',
        createdAt: s.labels.createdAt,
        provider: s.labels.provider,
        taskSummary: s.labels.task,
        workingDirectory: s.labels.cwd,
      });
    }
    if (this.liveUpdates && this.listeners > 0 && out.length > 0) await settleWithin(this.watcher.ensureAttached(out.map((a) => a.handle.sessionName)), FIRST_ATTACH_WAIT_MS);
    return out;
  }

  getTmux(handle: AgentHandle): TmuxService {
    this.assertOwn(handle);
    return this.tmux;
  }

  getAttachCommand(handle: AgentHandle): AttachCommand {
    this.assertOwn(handle);
    return { argv: this.wrapAttach(this.tmux.argv(['attach-session', '-t', sessionTarget(handle.sessionName)])) };
  }

  async ping(): Promise<void> {
    await this.tmux.version();
  }

  protected assertOwn(handle: AgentHandle): void {
    if (handle.runtimeId !== this.id) {
      throw new TmuxAgentsError('invalid-input', `Agent ${handle.agentId} belongs to runtime "${handle.runtimeId}", not "${this.id}".`);
    }
  }

  dispose(): void {
    this.watcher.dispose();
  }
}
