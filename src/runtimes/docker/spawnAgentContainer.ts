// Spawning one agent: every check before the daemon is touched, then image, network,
// create, start, tmux, the shared launch flow (session, labels, CLI, ready wait, task).
// Any failure after the container exists removes it.
import type Dockerode from 'dockerode';
import { TmuxAgentsError, errorMessage, isTmuxAgentsError } from '../../core/errors';
import { sessionNameFor, validateAgentId } from '../../core/ids';
import type { Logger } from '../../core/log';
import type { ProviderCatalog } from '../../core/providers';
import type { AgentConfig, AgentHandle } from '../../core/types';
import { launchAgentSession } from '../../tmux/agentSession';
import { labelOptions } from '../../tmux/sessionLabels';
import type { TmuxService } from '../../tmux/tmuxService';
import { checkImage, checkWorkspace, fitCpus, removeAgentContainer, waitForTmux } from './containerLifecycle';
import { containerLogTail } from './containerLogs';
import { WORKSPACE_DIR, buildContainerSpec, type ContainerSpecInput } from './containerSpec';
import { resolveCredentialMounts } from './credentialMounts';
import { dockerApiError, httpStatus, imageNotFound, sessionNotReady } from './dockerErrors';
import { ensureNetwork, startDespiteDuplicateNetworks } from './dockerNetwork';
import { DEFAULTS, resolveAgentUser, resolveCaBundle, type DockerRuntimeOptions } from './dockerRuntimeOptions';
import { describeEndpoint, type DockerEndpoint } from './dockerSocket';

export interface SpawnContext {
  runtimeType: string;
  runtimeId: string;
  opts: DockerRuntimeOptions;
  providers: ProviderCatalog;
  log: Logger;
  endpoint: DockerEndpoint;
  docker: () => Promise<Dockerode>;
  daemonCpus: (docker: Dockerode) => Promise<number | undefined>;
  tmuxFor: (container: string, user: string, displayName?: string) => TmuxService;
  /** Containers being spawned into: their missing session is not a restart. */
  spawning: Set<string>;
  forget: (containerId: string) => void;
}

export async function spawnAgentContainer(ctx: SpawnContext, config: AgentConfig, signal?: AbortSignal): Promise<AgentHandle> {
  const t0 = Date.now();
  const { opts, endpoint: ep, log } = ctx;
  validateAgentId(config.agentId);
  const sessionName = config.sessionName ?? sessionNameFor(config.agentId);
  // Everything that can be wrong with the input is found before the daemon is touched.
  // config.env and secrets go into the container's Env (they survive a container restart);
  // the launch carries only the provider's own env.
  const launch = ctx.providers.resolveLaunch({ aiProvider: config.aiProvider, autoPilot: config.autoPilot, customCommand: config.customCommand, onBlocked: config.onBlocked });
  const user = resolveAgentUser(opts, checkWorkspace(config.workingDirectory, ep));
  const image = opts.image ?? DEFAULTS.image;
  const input: ContainerSpecInput = {
    runtimeId: ctx.runtimeId,
    agentId: config.agentId,
    sessionName,
    provider: config.aiProvider,
    createdAt: new Date(),
    task: config.task,
    launchArgv: launch.argv,
    image,
    network: opts.network ?? DEFAULTS.network,
    workspace: config.workingDirectory,
    user,
    memory: config.resources?.memory ?? opts.defaultMemory ?? DEFAULTS.defaultMemory,
    cpus: config.resources?.cpus ?? opts.defaultCpus ?? DEFAULTS.defaultCpus,
    pidsLimit: opts.pidsLimit ?? DEFAULTS.pidsLimit,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? false,
    env: config.env,
    secretEnv: config.secretEnv,
    // Host paths only mean something to a daemon on this machine.
    credentialMounts: ep.isLocal ? resolveCredentialMounts(opts.credentialMounts, { homeDir: opts.environment?.homeDir }) : [],
    extraBinds: opts.extraBinds ?? [],
    caBundle: ep.isLocal ? resolveCaBundle(opts.extraCaBundle, opts.environment?.env ?? process.env) : undefined,
  };
  buildContainerSpec(input); // validation only; the real body needs the network id
  signal?.throwIfAborted();

  const docker = await ctx.docker();
  input.imageEnv = await checkImage(docker, image, ep);
  input.cpus = fitCpus(input.cpus, await ctx.daemonCpus(docker), config.resources?.cpus !== undefined, ep);
  const networkId = await ensureNetwork(docker, input.network, ep, log);
  signal?.throwIfAborted();

  const spec = buildContainerSpec({ ...input, network: networkId });
  const name = spec.name!;
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(spec);
  } catch (e) {
    if (httpStatus(e) === 409) {
      throw new TmuxAgentsError('agent-exists', `A container named ${name} already exists on ${describeEndpoint(ep)}.`, 'Choose another agent id, or kill the existing agent first.', { cause: e });
    }
    if (httpStatus(e) === 404) throw imageNotFound(image, ep, e);
    throw dockerApiError(e, `Creating the agent container ${name}`, ep);
  }
  ctx.spawning.add(container.id);
  const tCreated = Date.now();
  try {
    signal?.throwIfAborted();
    try {
      await startDespiteDuplicateNetworks(
        () => container.start(),
        () => ensureNetwork(docker, input.network, ep, log),
      );
    } catch (e) {
      throw dockerApiError(e, `Starting the agent container ${name}`, ep, 'spawn-failed', 'Check the runtime\'s extraBinds and that the workspace folder exists on the daemon\'s machine.');
    }
    const userSpec = `${user.uid}:${user.gid}`;
    const tmux = ctx.tmuxFor(container.id, userSpec, name);
    await waitForTmux(container, name, tmux, signal);
    const tStarted = Date.now();
    try {
      await launchAgentSession(tmux, {
        sessionName,
        cwd: WORKSPACE_DIR,
        launch,
        labels: labelOptions({ agentId: config.agentId, runtimeId: ctx.runtimeId, provider: config.aiProvider, createdAt: input.createdAt, task: config.task, cwd: config.workingDirectory }),
        task: config.task,
        readyTimeoutMs: opts.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs,
        signal,
      });
    } catch (e) {
      if (isTmuxAgentsError(e, 'timeout')) {
        throw sessionNotReady({ containerId: container.id, containerName: name, logTail: await containerLogTail(container), cause: e });
      }
      throw e;
    }
    const tDone = Date.now();
    log.info(
      `Spawned agent ${config.agentId} in container ${container.id.slice(0, 12)} (${image}) in ${tDone - t0} ms: ` +
        `checks+create ${tCreated - t0} ms, start ${tStarted - tCreated} ms, session+task ${tDone - tStarted} ms`,
    );
    return { runtimeType: ctx.runtimeType, runtimeId: ctx.runtimeId, agentId: config.agentId, sessionName, data: { containerId: container.id, containerName: name, user: userSpec } };
  } catch (e) {
    // Whatever failed, the container we created goes: no half-made agents left behind.
    await removeAgentContainer(docker, container.id, ep, log).catch((re: unknown) =>
      log.warn(`Could not remove container ${container.id.slice(0, 12)} after a failed spawn: ${errorMessage(re)}`),
    );
    ctx.forget(container.id);
    throw e;
  } finally {
    ctx.spawning.delete(container.id);
  }
}
