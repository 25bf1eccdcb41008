// Agents in Kubernetes pods: one pod per agent (labelled, resource-limited, non-root), tmux
// inside it driven through the API server's exec, the pod list through one label-selected
// query, and a watch as the hint that it changed. Works on the user's own cluster with
// their kubeconfig; tested against test/k8s-server.
import { TmuxAgentsError, errorMessage, isTmuxAgentsError } from '../../core/errors';
import { sessionNameFor, validateAgentId, validateSessionName } from '../../core/ids';
import { Emitter, toDisposable, type Event } from '../../core/lifecycle';
import { nullLogger, type Logger } from '../../core/log';
import { ProviderCatalog } from '../../core/providers';
import type { AgentConfig, AgentHandle, AgentInfo, AgentRuntime, AttachCommand } from '../../core/types';
import { launchAgentSession } from '../../tmux/agentSession';
import { labelOptions } from '../../tmux/sessionLabels';
import { sessionTarget, tmuxArgv } from '../../tmux/tmuxCommands';
import { TmuxService } from '../../tmux/tmuxService';
import { AGENT_SOCKET_NAME, WORKSPACE_DIR } from '../docker/containerSpec';
import { k8sAttachArgv } from './k8sAttach';
import { createK8sClients, whereOf, type K8sClients } from './k8sClient';
import { httpStatusOf, k8sApiError } from './k8sErrors';
import { ExecProtocolMemo, K8sExecExecutor, type K8sExecTarget } from './k8sExecExecutor';
import { DEFAULTS, resolveOptions, type K8sRuntimeOptions, type ResolvedK8sOptions } from './k8sRuntimeOptions';
import { PodWatcher } from './k8sWatch';
import { claimName, podName, runtimeSelector } from './labels';
import { ensureNamespace } from './namespace';
import { deleteClaim, deletePod, readClaim, waitClaimGone, waitPodGone } from './podCleanup';
import { CONTAINER_NAME, agentResources, buildClaimSpec, buildPodSpec } from './podSpec';
import { readPod, waitForPodRunning } from './podStart';
import { agentInfoFromPod, handleFromPod, isPodRunning, statusFromPod, type SessionProbe } from './podStatus';
import { checkSecretEnv, secretEnvScript, withSecretEnv, writeSecretEnvArgv } from './secretEnv';

/**
 * Kill: tmux has already ended the CLI and the keep-alive shell exits on TERM at once. Not
 * 0: to the API server 0 means "remove the object now", before the node has stopped anything.
 */
const KILL_GRACE_SECONDS = 1;
/** A tmux probe per running pod while listing must not hold up the whole list. */
const PROBE_TIMEOUT_MS = 4_000;

export class K8sRuntime implements AgentRuntime {
  readonly type = 'k8s';
  readonly id: string;
  readonly label: string;
  private readonly o: ResolvedK8sOptions;
  private readonly providers: ProviderCatalog;
  private readonly log: Logger;
  private clientsPromise: Promise<K8sClients> | undefined;
  private readonly tmuxByPod = new Map<string, TmuxService>();
  private readonly protocol = new ExecProtocolMemo();
  private readonly changed = new Emitter<void>();
  private watcher: PodWatcher | undefined;
  private listeners = 0;
  private disposed = false;

  constructor(private readonly options: K8sRuntimeOptions) {
    this.o = resolveOptions(options);
    this.id = options.id;
    this.label = options.label ?? `k8s: ${options.context ?? 'current context'}/${this.o.namespace}`;
    this.providers = options.providers ?? new ProviderCatalog();
    this.log = options.logger ?? nullLogger;
  }

  /** Hints from the pod watch; the watch runs while anyone listens. */
  readonly onDidChangeAgents: Event<void> = (listener) => {
    const sub = this.changed.event(listener);
    if (this.listeners++ === 0 && !this.disposed) {
      this.watcher = new PodWatcher({
        clients: () => this.clients(),
        namespace: this.o.namespace,
        labelSelector: runtimeSelector(this.id),
        onEvent: () => this.changed.fire(),
        onReconnect: () => this.changed.fire(),
        logger: this.log,
      });
      this.watcher.start();
    }
    return toDisposable(() => {
      sub.dispose();
      if (--this.listeners === 0) {
        this.watcher?.dispose();
        this.watcher = undefined;
      }
    });
  };

  private clients(): Promise<K8sClients> {
    this.clientsPromise ??= createK8sClients({
      kubeconfigPath: this.options.kubeconfigPath,
      context: this.options.context,
      namespace: this.o.namespace,
      env: this.options.environment?.env,
      homeDir: this.options.environment?.homeDir,
    }).catch((e: unknown) => {
      this.clientsPromise = undefined; // a fixed kubeconfig is picked up on the next call
      throw e;
    });
    return this.clientsPromise;
  }

  async spawnAgent(config: AgentConfig, signal?: AbortSignal): Promise<AgentHandle> {
    const began = Date.now();
    const agentId = validateAgentId(config.agentId);
    const sessionName = config.sessionName !== undefined ? validateSessionName(config.sessionName) : sessionNameFor(agentId);
    // Secrets stay out of the launch (its argv and env travel in the exec URL): see secretEnv.ts.
    const launch = this.providers.resolveLaunch({ ...config, env: config.env });
    checkSecretEnv(config.secretEnv);
    const secrets = Object.keys(config.secretEnv ?? {}).length ? config.secretEnv : undefined;
    const { namespace } = this.o;
    const name = podName(this.id, agentId);
    const claim = this.o.claim ? claimName(this.id, agentId) : undefined;
    const createdAt = new Date();
    const pod = buildPodSpec({
      runtimeId: this.id, agentId, sessionName, provider: config.aiProvider, createdAt, task: config.task,
      sourceFolder: config.workingDirectory || undefined, podName: name, namespace, image: this.o.image,
      imagePullPolicy: this.o.imagePullPolicy, ...agentResources(config.resources, this.o), env: config.env,
      claimName: claim, imagePullSecrets: this.o.imagePullSecrets, nodeSelector: this.o.nodeSelector, serviceAccountName: this.o.serviceAccountName,
    });
    const c = await this.clients();
    const w = whereOf(c, namespace);
    signal?.throwIfAborted();
    await ensureNamespace(c, namespace);
    if (await readPod(c, namespace, name)) {
      throw new TmuxAgentsError('agent-exists', `An agent "${agentId}" already exists on ${this.label} (pod ${name}).`, 'Choose another agent id, or kill the existing agent first.');
    }
    const created = { pod: false, claim: false };
    try {
      if (claim) created.claim = await this.createOrReuseClaim(c, agentId, claim);
      try {
        await c.core.createNamespacedPod({ namespace, body: pod });
      } catch (e) {
        if (httpStatusOf(e) === 409) throw new TmuxAgentsError('agent-exists', `An agent "${agentId}" already exists on ${this.label} (pod ${name}).`, 'Choose another agent id, or kill the existing agent first.', { cause: e });
        throw k8sApiError(e, `Creating pod ${name}`, w);
      }
      created.pod = true;
      await waitForPodRunning(c, { namespace, name, image: this.o.image, timeoutMs: this.options.podStartTimeoutMs ?? DEFAULTS.podStartTimeoutMs, signal });
      const runningAfter = Date.now() - began;
      const handle: AgentHandle = { runtimeType: this.type, runtimeId: this.id, agentId, sessionName, data: { namespace, pod: name, container: CONTAINER_NAME, context: c.context, ...(claim ? { claim } : {}) } };
      const tmux = this.getTmux(handle);
      let argv = launch.argv;
      if (secrets) {
        const r = await tmux.executor.exec(writeSecretEnvArgv(), { input: secretEnvScript(secrets), timeoutMs: this.options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs });
        if (r.exitCode !== 0) throw new TmuxAgentsError('spawn-failed', `Could not hand the API keys to ${tmux.where} (exit ${r.exitCode}): ${r.stderr.trim() || 'no message'}.`);
        argv = withSecretEnv(argv);
      }
      await launchAgentSession(tmux, {
        sessionName,
        cwd: WORKSPACE_DIR,
        launch: { ...launch, argv },
        labels: labelOptions({ agentId, runtimeId: this.id, provider: config.aiProvider, createdAt, task: config.task, cwd: WORKSPACE_DIR }),
        task: config.task,
        readyTimeoutMs: this.options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs,
        signal,
      });
      this.log.info(`Agent ${agentId} runs in pod ${namespace}/${name} (context "${w.context}"): pod running after ${runningAfter} ms, CLI ready${config.task ? ' and task delivered' : ''} after ${Date.now() - began} ms`);
      return handle;
    } catch (e) {
      await this.removeFailedSpawn(c, name, created.pod, created.claim ? claim : undefined);
      throw e;
    }
  }

  /** A kept claim of an earlier agent with the same id is reused (that is what keeping it is for). */
  private async createOrReuseClaim(c: K8sClients, agentId: string, name: string): Promise<boolean> {
    const { namespace } = this.o;
    const body = buildClaimSpec({ runtimeId: this.id, agentId, name, namespace, size: this.o.claim!.size, storageClassName: this.o.claim!.storageClassName });
    try {
      await c.core.createNamespacedPersistentVolumeClaim({ namespace, body });
      return true;
    } catch (e) {
      if (httpStatusOf(e) !== 409) throw k8sApiError(e, `Creating volume claim ${name}`, whereOf(c, namespace));
    }
    const existing = await readClaim(c, namespace, name);
    if (existing?.metadata?.deletionTimestamp) {
      throw new TmuxAgentsError('agent-exists', `The volume claim ${name} of an earlier agent "${agentId}" is still being deleted.`, 'Wait a moment and spawn again.');
    }
    return false;
  }

  /** Everything a failed spawn created goes, whatever the failure was. */
  private async removeFailedSpawn(c: K8sClients, pod: string, createdPod: boolean, claim: string | undefined): Promise<void> {
    const { namespace } = this.o;
    const timeoutMs = this.options.deleteTimeoutMs ?? DEFAULTS.deleteTimeoutMs;
    this.tmuxByPod.delete(pod);
    try {
      if (createdPod && (await deletePod(c, namespace, pod, KILL_GRACE_SECONDS))) await waitPodGone(c, namespace, pod, timeoutMs);
      if (claim && (await deleteClaim(c, namespace, claim))) await waitClaimGone(c, namespace, claim, timeoutMs);
    } catch (e) {
      this.log.warn(`Cleaning up after a failed spawn in ${namespace} left something behind (pod ${pod}${claim ? `, claim ${claim}` : ''}): ${errorMessage(e)}`);
    }
  }

  async killAgent(handle: AgentHandle): Promise<void> {
    const t = this.target(handle);
    const c = await this.clients();
    const timeoutMs = this.options.deleteTimeoutMs ?? DEFAULTS.deleteTimeoutMs;
    const pod = await readPod(c, t.namespace, t.pod);
    if (pod && isPodRunning(pod)) {
      // tmux first: the CLI gets its SIGHUP and can exit cleanly before the pod goes.
      await this.getTmux(handle).killSession(handle.sessionName).catch((e: unknown) => this.log.debug(`tmux kill-session in ${t.pod}: ${errorMessage(e)}`));
    }
    const claim = handle.data.claim ?? pod?.spec?.volumes?.find((v) => v.name === 'workspace')?.persistentVolumeClaim?.claimName;
    const removeClaim = claim !== undefined && !this.o.claim?.keep;
    const deleting = pod ? await deletePod(c, t.namespace, t.pod, KILL_GRACE_SECONDS) : false;
    if (removeClaim) await deleteClaim(c, t.namespace, claim);
    this.tmuxByPod.delete(t.pod);
    if (deleting) await waitPodGone(c, t.namespace, t.pod, timeoutMs);
    if (removeClaim) await waitClaimGone(c, t.namespace, claim, timeoutMs);
    if (!pod) throw new TmuxAgentsError('agent-not-found', `Agent ${handle.agentId} is no longer running on ${this.label} (pod ${t.pod} is gone).`, 'Refresh the view.');
  }

  async listAgents(): Promise<AgentInfo[]> {
    const c = await this.clients();
    const { namespace } = this.o;
    let items;
    try {
      items = (await c.core.listNamespacedPod({ namespace, labelSelector: runtimeSelector(this.id) })).items;
    } catch (e) {
      throw k8sApiError(e, 'Listing agent pods', whereOf(c, namespace), 'runtime-unreachable');
    }
    const live = new Set<string>();
    const infos = await Promise.all(
      items.map(async (pod) => {
        const handle = handleFromPod(pod, this.type, this.id, c.context);
        if (!handle) return undefined;
        live.add(handle.data.pod!);
        const probe = isPodRunning(pod) ? await this.probe(handle) : undefined;
        return agentInfoFromPod(handle, pod, statusFromPod(pod, probe));
      }),
    );
    for (const p of [...this.tmuxByPod.keys()]) if (!live.has(p)) this.tmuxByPod.delete(p);
    return infos.filter((i): i is AgentInfo => i !== undefined);
  }

  private async probe(handle: AgentHandle): Promise<SessionProbe> {
    const tmux = new TmuxService(this.getTmux(handle).executor, { socketName: AGENT_SOCKET_NAME, timeoutMs: PROBE_TIMEOUT_MS, utf8: true });
    try {
      const row = (await tmux.listSessions(['session_name', 'pane_dead', 'pane_dead_status'])).find((r) => r[0] === handle.sessionName);
      if (!row) return { kind: 'missing' };
      return row[1] === '1' ? { kind: 'dead', exitStatus: row[2] ? Number(row[2]) : undefined } : { kind: 'alive' };
    } catch (e) {
      if (isTmuxAgentsError(e, 'tmux-no-server')) return { kind: 'missing' };
      return { kind: 'error', message: errorMessage(e) };
    }
  }

  getTmux(handle: AgentHandle): TmuxService {
    const t = this.target(handle);
    let tmux = this.tmuxByPod.get(t.pod);
    if (!tmux) {
      const executor = new K8sExecExecutor(() => this.clients(), t, handle.data.context ?? this.options.context ?? '', { memo: this.protocol });
      // -u: an image (or agent env) without a UTF-8 locale would otherwise turn tabs in -F output into '_'.
      tmux = new TmuxService(executor, { socketName: AGENT_SOCKET_NAME, timeoutMs: this.options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs, utf8: true });
      this.tmuxByPod.set(t.pod, tmux);
    }
    return tmux;
  }

  getAttachCommand(handle: AgentHandle): AttachCommand {
    const t = this.target(handle);
    const attach = tmuxArgv(['-L', AGENT_SOCKET_NAME], ['attach-session', '-t', sessionTarget(handle.sessionName)]);
    return { argv: k8sAttachArgv({ ...t, context: handle.data.context ?? this.options.context ?? '', kubeconfigPath: this.options.kubeconfigPath }, attach) };
  }

  /** The API answers for the namespace (one pod, at most): else the runtime shows unhealthy with why. */
  async ping(): Promise<void> {
    const c = await this.clients();
    try {
      await c.core.listNamespacedPod({ namespace: this.o.namespace, limit: 1 });
    } catch (e) {
      throw k8sApiError(e, 'Listing pods', whereOf(c, this.o.namespace), 'runtime-unreachable');
    }
  }

  dispose(): void {
    this.disposed = true;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.changed.dispose();
    this.tmuxByPod.clear();
  }

  private target(handle: AgentHandle): K8sExecTarget {
    if (handle.runtimeId !== this.id) {
      throw new TmuxAgentsError('invalid-input', `Agent ${handle.agentId} belongs to runtime "${handle.runtimeId}", not "${this.id}".`);
    }
    return {
      namespace: handle.data.namespace ?? this.o.namespace,
      pod: handle.data.pod ?? podName(this.id, handle.agentId),
      container: handle.data.container ?? CONTAINER_NAME,
    };
  }
}
