// Agents in Docker containers, one container per agent, through the Engine API (dockerode).
// tmux runs inside each container as the non-root agent user on its own server
// (`-L tmux-agents`); every tmux command goes through an Engine API exec.
import type Dockerode from 'dockerode';
import { settleWithin, withTimeout } from '../../core/async';
import { TmuxAgentsError, errorMessage, isTmuxAgentsError } from '../../core/errors';
import { Emitter, toDisposable, type Event } from '../../core/lifecycle';
import { nullLogger, type Logger } from '../../core/log';
import { ProviderCatalog } from '../../core/providers';
import type { AgentConfig, AgentHandle, AgentInfo, AgentRuntime, AttachCommand } from '../../core/types';
import { launchAgentSession } from '../../tmux/agentSession';
import { SESSION_FIELDS, labelOptions, parseSessionRow } from '../../tmux/sessionLabels';
import { sessionTarget } from '../../tmux/tmuxCommands';
import { ControlModeExecutor } from '../../tmux/controlModeExecutor';
import { FIRST_ATTACH_WAIT_MS } from '../../tmux/tmuxChangeWatcher';
import { TmuxService, tmuxGlobalArgs } from '../../tmux/tmuxService';
import { removeAgentContainer } from './containerLifecycle';
import { ContainerWatchers, type WatchTarget } from './containerWatchers';
import { AGENT_SOCKET_NAME, LABEL, WORKSPACE_DIR, containerName } from './containerSpec';
import { agentInfoFromContainer, containerDisplayName, handleFromContainer, statusFromContainer, type ContainerRow, type SessionProbe } from './containerStatus';
import { createDockerClient } from './dockerClient';
import { dockerApiError } from './dockerErrors';
import { DockerEventFollower } from './dockerEvents';
import { DockerExecExecutor } from './dockerExecExecutor';
import { DEFAULTS, checkOptions, resolveAgentUser, type DockerRuntimeOptions } from './dockerRuntimeOptions';
import { discoverDockerEndpoint, type DockerEndpoint } from './dockerSocket';
import { SessionRestorer, launchFromLabels } from './sessionRestore';
import { spawnAgentContainer } from './spawnAgentContainer';

const PROBE_TIMEOUT_MS = 5_000;
const KILL_SESSION_TIMEOUT_MS = 3_000;

export class DockerRuntime implements AgentRuntime {
  readonly type = 'docker';
  readonly id: string;
  readonly label: string;
  private readonly log: Logger;
  private readonly providers: ProviderCatalog;
  private readonly endpointOrError: DockerEndpoint | TmuxAgentsError;
  private client: Promise<Dockerode> | undefined;
  private ncpu: number | undefined;
  private readonly tmuxCache = new Map<string, TmuxService>();
  private readonly spawning = new Set<string>();
  private readonly changes = new Emitter<void>();
  private follower: DockerEventFollower | undefined;
  private readonly restorer: SessionRestorer;
  private disposed = false;
  private used = false;
  private listeners = 0;
  private readonly watchers: ContainerWatchers;

  constructor(private readonly opts: DockerRuntimeOptions) {
    checkOptions(opts);
    this.id = opts.id;
    this.log = opts.logger ?? nullLogger;
    this.providers = opts.providers ?? new ProviderCatalog();
    // Discovery only reads the docker CLI's small config files. A bad configuration is
    // reported by every call (and ping) rather than by the constructor, so the tree can show it.
    try {
      this.endpointOrError = discoverDockerEndpoint({ socketPath: opts.socketPath, env: opts.environment?.env, homeDir: opts.environment?.homeDir });
    } catch (e) {
      this.endpointOrError = e instanceof TmuxAgentsError ? e : new TmuxAgentsError('invalid-input', errorMessage(e));
    }
    this.label = opts.label ?? defaultLabel(this.endpointOrError);
    this.watchers = new ContainerWatchers({ onChange: () => this.changes.fire(), activityThrottleMs: opts.activityThrottleMs, logger: this.log });
    this.restorer = new SessionRestorer({
      graceMs: this.restoreGraceMs,
      restore: (row) => this.restoreSession(row),
      startedAt: (id) => this.startedAt(id),
      onChange: () => this.changes.fire(),
      log: this.log,
    });
  }

  /** The daemon this runtime talks to (throws the discovery error if there is none). */
  get endpoint(): DockerEndpoint {
    if (this.endpointOrError instanceof TmuxAgentsError) throw this.endpointOrError;
    return this.endpointOrError;
  }

  /**
   * Fires when this runtime's containers change outside our own calls. The daemon's event
   * stream is followed once there is a listener and the runtime has been used (listed,
   * spawned into, pinged): registering a runtime at activation connects to nothing.
   */
  readonly onDidChangeAgents: Event<void> = (listener) => {
    const sub = this.changes.event(listener);
    this.listeners++;
    this.maybeFollowEvents();
    return toDisposable(() => {
      sub.dispose();
      // Nobody listens any more: no reason to keep tmux clients attached in the containers.
      if (--this.listeners === 0) this.watchers.clear();
    });
  };

  /**
   * True while every agent container with a session has its tmux change watcher attached:
   * their status is pushed (container changes come from the daemon's events).
   */
  isLive(): boolean {
    return this.listeners > 0 && this.watchers.isLive;
  }

  async spawnAgent(config: AgentConfig, signal?: AbortSignal): Promise<AgentHandle> {
    return await spawnAgentContainer(
      {
        runtimeType: this.type,
        runtimeId: this.id,
        opts: this.opts,
        providers: this.providers,
        log: this.log,
        endpoint: this.endpoint,
        docker: () => this.docker(),
        daemonCpus: (docker) => this.daemonCpus(docker),
        tmuxFor: (c, u, n) => this.tmuxFor(c, u, n),
        spawning: this.spawning,
        forget: (id) => this.dropTmux(id),
      },
      config,
      signal,
    );
  }

  async killAgent(handle: AgentHandle): Promise<void> {
    this.assertOwn(handle);
    const t0 = Date.now();
    const docker = await this.docker();
    const rows = await this.listRows(docker, [`${LABEL.agentId}=${handle.agentId}`]);
    if (rows.length === 0) {
      throw new TmuxAgentsError('agent-not-found', `Agent ${handle.agentId} has no container on ${this.label}.`, 'It was removed outside VS Code; refresh the view.');
    }
    for (const row of rows) {
      if (row.State === 'running') {
        // tmux first: the CLI gets SIGHUP and can exit cleanly before the container stops.
        const tmux = this.tmuxFor(row.Id, row.Labels?.[LABEL.user] ?? this.defaultUserSpec(), containerDisplayName(row));
        await withTimeout(tmux.killSession(handle.sessionName), KILL_SESSION_TIMEOUT_MS, `Ending tmux session ${handle.sessionName}`).catch((e: unknown) =>
          this.log.debug(`kill-session in ${row.Id.slice(0, 12)}: ${errorMessage(e)}`),
        );
      }
      await removeAgentContainer(docker, row.Id, this.endpoint, this.log);
      this.dropTmux(row.Id);
    }
    this.log.info(`Killed agent ${handle.agentId} (container ${rows.map((r) => r.Id.slice(0, 12)).join(', ')}) in ${Date.now() - t0} ms`);
  }

  /** One label-filtered query, then (running containers only) one tmux probe each, in parallel. */
  async listAgents(): Promise<AgentInfo[]> {
    const docker = await this.docker();
    const rows = await this.listRows(docker);
    const ids = new Set(rows.map((r) => r.Id));
    this.restorer.prune(ids);
    // Containers removed outside VS Code take their control clients with them.
    for (const key of [...this.tmuxCache.keys()]) if (/^[0-9a-f]{64}\0/.test(key) && !ids.has(key.slice(0, 64))) this.forgetTmux(key);
    const watch: WatchTarget[] = [];
    const infos = await Promise.all(
      rows.map(async (row) => {
        const handle = handleFromContainer(row, this.type, this.id);
        if (!handle) return undefined; // labelled by hand, not by us
        let decision = statusFromContainer(row);
        if (row.State === 'running') {
          const restoring = this.restorer.inProgress(row.Id);
          if (this.spawning.has(row.Id)) {
            decision = { status: 'starting', reason: 'the agent is being spawned' };
          } else if (restoring) {
            decision = restoring;
          } else {
            const probe = await this.probeSession(row.Id, handle);
            decision = probe.kind === 'missing' ? await this.restorer.check(row) : statusFromContainer(row, probe);
            if (probe.kind === 'alive' || probe.kind === 'dead') {
              watch.push({ containerId: row.Id, session: handle.sessionName, tmux: this.tmuxFor(row.Id, handle.data.user ?? this.defaultUserSpec(), handle.data.containerName) });
            }
          }
        }
        return agentInfoFromContainer(handle, row, decision);
      }),
    );
    if (this.listeners > 0 && this.opts.liveUpdates !== false) await settleWithin(this.watchers.sync(watch), FIRST_ATTACH_WAIT_MS);
    return infos.filter((i): i is AgentInfo => i !== undefined);
  }

  getTmux(handle: AgentHandle): TmuxService {
    this.assertOwn(handle);
    return this.tmuxFor(handle.data.containerId ?? containerName(this.id, handle.agentId), handle.data.user ?? this.defaultUserSpec(), handle.data.containerName);
  }

  getAttachCommand(handle: AgentHandle): AttachCommand {
    this.assertOwn(handle);
    const container = handle.data.containerName ?? handle.data.containerId ?? containerName(this.id, handle.agentId);
    return { argv: dockerAttachArgv(this.endpoint, container, handle.data.user ?? this.defaultUserSpec(), handle.sessionName) };
  }

  async ping(): Promise<void> {
    const docker = await this.docker();
    try {
      await docker.ping();
    } catch (e) {
      throw dockerApiError(e, 'Ping', this.endpoint, 'runtime-unreachable');
    }
  }

  dispose(): void {
    this.disposed = true;
    this.follower?.dispose();
    this.follower = undefined;
    this.restorer.dispose();
    this.watchers.dispose();
    this.changes.dispose();
    for (const key of [...this.tmuxCache.keys()]) this.forgetTmux(key);
  }

  // ---- internals --------------------------------------------------------------------------

  private get restoreGraceMs(): number {
    return this.opts.restoreGraceMs ?? DEFAULTS.restoreGraceMs;
  }

  private docker(): Promise<Dockerode> {
    if (this.disposed) return Promise.reject(new TmuxAgentsError('runtime-not-found', `Docker runtime ${this.id} was removed.`));
    if (!this.used) {
      this.used = true;
      this.maybeFollowEvents();
    }
    if (!this.client) {
      const client = Promise.resolve().then(() => createDockerClient(this.endpoint));
      // A failed setup (bad TLS files, say) is retried on the next call, not cached.
      client.catch(() => {
        if (this.client === client) this.client = undefined;
      });
      this.client = client;
    }
    return this.client;
  }

  private async daemonCpus(docker: Dockerode): Promise<number | undefined> {
    if (this.ncpu === undefined) {
      try {
        this.ncpu = Number((await docker.info()).NCPU) || undefined;
      } catch (e) {
        throw dockerApiError(e, 'Reading the daemon\'s info', this.endpoint);
      }
    }
    return this.ncpu;
  }

  private maybeFollowEvents(): void {
    if (this.follower || this.disposed || !this.used || this.listeners === 0) return;
    this.follower = new DockerEventFollower({
      docker: () => this.docker(),
      runtimeId: this.id,
      logger: this.log,
      onEvent: (e) => {
        // A start we did not cause may be a restart: look again once the grace period is over.
        if (e.action === 'start' && !this.spawning.has(e.containerId)) this.restorer.hintAfter(e.containerId, this.restoreGraceMs + 50);
        this.changes.fire();
      },
      onReconnect: () => this.changes.fire(),
    });
    this.follower.start();
  }

  private async listRows(docker: Dockerode, extraLabels: string[] = []): Promise<ContainerRow[]> {
    try {
      return (await docker.listContainers({ all: true, filters: { label: [`${LABEL.marker}=true`, `${LABEL.runtimeId}=${this.id}`, ...extraLabels] } })) as ContainerRow[];
    } catch (e) {
      throw dockerApiError(e, 'Listing agent containers', this.endpoint, 'runtime-unreachable');
    }
  }

  private async probeSession(containerId: string, handle: AgentHandle): Promise<SessionProbe> {
    try {
      const tmux = this.tmuxFor(containerId, handle.data.user ?? this.defaultUserSpec(), handle.data.containerName);
      const rows = await withTimeout(tmux.listSessions(SESSION_FIELDS), PROBE_TIMEOUT_MS, 'Asking tmux for sessions');
      const row = rows.map(parseSessionRow).find((s) => s?.sessionName === handle.sessionName);
      if (!row) return { kind: 'missing' };
      return row.paneDead ? { kind: 'dead', exitStatus: row.paneDeadStatus } : { kind: 'alive' };
    } catch (e) {
      if (isTmuxAgentsError(e, 'tmux-no-server')) return { kind: 'missing' };
      return { kind: 'error', message: errorMessage(e) };
    }
  }

  private async startedAt(containerId: string): Promise<number | undefined> {
    try {
      const t = Date.parse((await (await this.docker()).getContainer(containerId).inspect()).State.StartedAt);
      return Number.isNaN(t) ? undefined : t;
    } catch {
      return undefined;
    }
  }

  /** Relaunches the CLI recorded in the container's labels, in a fresh session, without its task. */
  private async restoreSession(row: ContainerRow): Promise<void> {
    const l = row.Labels ?? {};
    const handle = handleFromContainer(row, this.type, this.id);
    if (!handle) return;
    const tmux = this.tmuxFor(row.Id, l[LABEL.user] ?? this.defaultUserSpec(), containerDisplayName(row));
    if (await tmux.hasSession(handle.sessionName)) return; // another window restored it first
    const createdAt = new Date(l[LABEL.createdAt] ?? '');
    await launchAgentSession(tmux, {
      sessionName: handle.sessionName,
      cwd: WORKSPACE_DIR,
      launch: launchFromLabels(l, this.providers),
      labels: labelOptions({
        agentId: handle.agentId,
        runtimeId: this.id,
        provider: l[LABEL.provider] ?? 'unknown',
        createdAt: Number.isNaN(createdAt.getTime()) ? new Date() : createdAt,
        task: l[LABEL.task],
        cwd: l[LABEL.workspace],
      }),
      readyTimeoutMs: this.opts.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs,
    });
    this.log.info(`Relaunched agent ${handle.agentId} in container ${row.Id.slice(0, 12)} after the container restarted (its task was not re-sent)`);
  }

  private defaultUserSpec(): string {
    const u = resolveAgentUser(this.opts, undefined);
    return `${u.uid}:${u.gid}`;
  }

  /**
   * tmux in one container. Its commands ride one control-mode client per container once a
   * session exists (ControlModeExecutor): a line on an open exec instead of a new exec each.
   */
  private tmuxFor(container: string, user: string, displayName?: string): TmuxService {
    const key = `${container}\0${user}`;
    let t = this.tmuxCache.get(key);
    if (!t) {
      const base = new DockerExecExecutor(() => this.docker(), this.endpoint, { container, user, displayName });
      const serviceOpts = { socketName: AGENT_SOCKET_NAME, timeoutMs: this.opts.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs };
      const executor = this.opts.tmuxControlMode === false ? base : new ControlModeExecutor({ base, globalArgs: tmuxGlobalArgs(serviceOpts), logger: this.log });
      t = new TmuxService(executor, serviceOpts);
      this.tmuxCache.set(key, t);
    }
    return t;
  }

  private dropTmux(containerId: string): void {
    for (const key of [...this.tmuxCache.keys()]) if (key.startsWith(`${containerId}\0`)) this.forgetTmux(key);
    this.watchers.forget(containerId);
  }

  private forgetTmux(key: string): void {
    const executor = this.tmuxCache.get(key)?.executor;
    if (executor instanceof ControlModeExecutor) executor.dispose();
    this.tmuxCache.delete(key);
  }

  private assertOwn(handle: AgentHandle): void {
    if (handle.runtimeId !== this.id) {
      throw new TmuxAgentsError('invalid-input', `Agent ${handle.agentId} belongs to runtime "${handle.runtimeId}", not "${this.id}".`);
    }
  }
}

/**
 * `docker [-H host | --context name] exec -it -u uid:gid <container> tmux -L tmux-agents
 * attach-session -t =<session>`: an argv the terminal runs without a shell. The user is
 * the uid tmux runs as, or tmux would look for its socket under another uid.
 */
export function dockerAttachArgv(ep: DockerEndpoint, container: string, user: string, sessionName: string): string[] {
  return ['docker', ...ep.cliArgs, 'exec', '-it', '-u', user, container, 'tmux', '-L', AGENT_SOCKET_NAME, 'attach-session', '-t', sessionTarget(sessionName)];
}

function defaultLabel(ep: DockerEndpoint | TmuxAgentsError): string {
  if (ep instanceof TmuxAgentsError || ep.cliArgs.length === 0) return 'Docker';
  return ep.contextName ? `Docker (${ep.contextName})` : `Docker (${ep.host ?? ep.socketPath ?? ep.url})`;
}
