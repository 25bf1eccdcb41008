// The exact createContainer body for an agent: a pure function of the agent's config and
// the runtime's options, so unit tests can pin every field. Bad input throws here, before
// anything exists on the daemon.
import { AGENT_LABEL } from '../../core/agentLabels';
import type Dockerode from 'dockerode';
import { TmuxAgentsError } from '../../core/errors';
import { taskSummary } from '../../tmux/sessionLabels';
import { CONTAINER_HOME, type CredentialMount } from './credentialMounts';

/** tmux runs on its own server (`-L`) inside the container, like the local runtime. */
export const AGENT_SOCKET_NAME = 'tmux-agents';
export const WORKSPACE_DIR = '/workspace';
export const CA_BUNDLE_TARGET = '/etc/tmux-agents/ca-bundle.pem';
export const MIN_MEMORY = 6 * 1024 * 1024; // the Engine's own minimum

/** Container labels. `listAgents` is one query filtered by marker + runtime id. */
export const LABEL = {
  ...AGENT_LABEL,
  workspace: 'tmux-agents.workspace',
  /** uid:gid that tmux runs as; exec and attach must use the same one to find its socket. */
  user: 'tmux-agents.user',
  /** The CLI argv (JSON), so a restarted container can relaunch it. Never holds secrets: those are in Env. */
  launch: 'tmux-agents.launch',
  task: 'tmux-agents.task',
} as const;

export interface AgentUser {
  uid: number;
  gid: number;
}

export interface ContainerSpecInput {
  runtimeId: string;
  agentId: string;
  sessionName: string;
  provider: string;
  createdAt: Date;
  task?: string;
  /** argv of the agent CLI, recorded in a label for relaunching after a container restart. */
  launchArgv: readonly string[];
  image: string;
  /** Network name or id. */
  network: string;
  /** Host path bind-mounted read-write at /workspace. */
  workspace: string;
  user: AgentUser;
  memory: number;
  cpus: number;
  pidsLimit: number;
  readOnlyRootFilesystem: boolean;
  /** Plain environment of the agent. */
  env?: Readonly<Record<string, string>>;
  /** API keys: container Env only (never labels, logs or tmux arguments). */
  secretEnv?: Readonly<Record<string, string>>;
  credentialMounts?: readonly CredentialMount[];
  /** `docker run -v` syntax, passed through as HostConfig.Binds. */
  extraBinds?: readonly string[];
  /** Host path of an extra CA bundle to trust (mounted read-only). */
  caBundle?: string;
  /** The image's own Env (from image inspect), to see whether it sets a UTF-8 locale. */
  imageEnv?: readonly string[];
}

export function containerName(runtimeId: string, agentId: string): string {
  // Runtime ids allow [A-Za-z0-9._-], agent ids [a-z0-9-]: both valid in container names.
  return `tmux-agents-${runtimeId}-${agentId}`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SOCKET_PATH = /(^|\/)(docker|podman|containerd)\.sock$|^\/run\/(docker|containerd|podman)(\/|$)|^\/var\/run\/(docker|containerd|podman)(\/|$)/;

function invalid(message: string, hint?: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', message, hint);
}

function checkEnv(env: Readonly<Record<string, string>> | undefined, what: string): void {
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(k)) throw invalid(`Invalid ${what} variable name ${JSON.stringify(k)}.`, 'Use letters, digits and underscores, not starting with a digit.');
    if (typeof v !== 'string' || v.includes('\0')) throw invalid(`${what} variable ${k} must be a string without NUL bytes.`);
  }
}

/** Checks a `docker run -v` string: source:target[:options], and never the Docker socket. */
export function checkExtraBind(bind: string): void {
  const parts = bind.split(':');
  const [source, target, mode, ...rest] = parts;
  if (!source || !target || rest.length || !target.startsWith('/')) {
    throw invalid(`extraBinds entry ${JSON.stringify(bind)} is not "host-path:container-path[:ro]".`, 'Paths containing ":" cannot be written in this form; mount them another way.');
  }
  if (mode !== undefined && !/^[a-zA-Z,]+$/.test(mode)) throw invalid(`extraBinds entry ${JSON.stringify(bind)} has invalid options ${JSON.stringify(mode)}.`);
  const src = source.replace(/\/+$/, '');
  if (SOCKET_PATH.test(src) || src === '/run' || src === '/var/run') {
    // An agent with the Docker socket controls the daemon, i.e. root on the host.
    throw invalid(`extraBinds entry ${JSON.stringify(bind)} would give the agent the container engine's socket.`, 'Agents never get the Docker socket; remove that entry.');
  }
}

export function checkNetwork(network: string): void {
  if (!network.trim()) throw invalid('The Docker network name is empty.', 'Set the runtime\'s network (default "tmux-agents").');
  if (network === 'host' || network.startsWith('container:')) {
    throw invalid(`Docker network "${network}" would share the host's or another container's network stack.`, 'Agents run on a bridge network; use the default "tmux-agents" or another bridge network.');
  }
}

function checkInput(i: ContainerSpecInput): void {
  if (!i.workspace || (!i.workspace.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(i.workspace))) {
    throw invalid(`Working directory ${JSON.stringify(i.workspace)} is not an absolute path.`, 'Pick a folder on the machine the Docker daemon runs on.');
  }
  if (!i.image.trim()) throw invalid('No Docker image configured.', 'Set the runtime\'s image (default tmux-agents-base:latest).');
  if (!Number.isSafeInteger(i.memory) || i.memory < MIN_MEMORY) {
    throw invalid(`Memory limit ${i.memory} is not a whole number of bytes of at least ${MIN_MEMORY} (6 MiB).`, 'Give memory in bytes, e.g. 4294967296 for 4 GiB.');
  }
  if (!Number.isFinite(i.cpus) || i.cpus < 0.01) throw invalid(`CPU limit ${i.cpus} must be a number of CPUs of at least 0.01.`);
  if (!Number.isSafeInteger(i.pidsLimit) || i.pidsLimit < 1) throw invalid(`pidsLimit ${i.pidsLimit} must be a positive whole number.`);
  for (const [k, v] of [['uid', i.user.uid], ['gid', i.user.gid]] as const) {
    if (!Number.isSafeInteger(v) || v < 1 || v > 0x7fffffff) {
      throw invalid(`The agent ${k} ${v} is not allowed: agents run as a non-root user.`, `Set the runtime's uid to the owner of your workspace (a number from 1), or leave it unset.`);
    }
  }
  checkNetwork(i.network);
  checkEnv(i.env, 'environment');
  checkEnv(i.secretEnv, 'secret environment');
  for (const b of i.extraBinds ?? []) checkExtraBind(b);
}

/**
 * tmux decides UTF-8 from LC_ALL, else LC_CTYPE, else LANG; without "UTF-8" in it, it
 * prints tabs and non-ASCII as "_" (seen with debian:bookworm-slim), which breaks the
 * tab-separated fields we read back and garbles unicode tasks on screen. Images without a
 * UTF-8 locale get C.UTF-8 for character handling only; ours already sets it.
 */
export function utf8LocaleEnv(imageEnv: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Record<string, string> {
  const merged = new Map<string, string>();
  for (const e of imageEnv) {
    const i = e.indexOf('=');
    if (i > 0) merged.set(e.slice(0, i), e.slice(i + 1));
  }
  for (const [k, v] of Object.entries(env)) merged.set(k, v);
  const effective = merged.get('LC_ALL') || merged.get('LC_CTYPE') || merged.get('LANG') || '';
  if (/utf-?8/i.test(effective)) return {};
  return merged.get('LC_ALL') ? { LC_ALL: 'C.UTF-8' } : { LC_CTYPE: 'C.UTF-8' };
}

export function buildContainerSpec(i: ContainerSpecInput): Dockerode.ContainerCreateOptions {
  checkInput(i);
  const user = `${i.user.uid}:${i.user.gid}`;
  const env = new Map<string, string>();
  // HOME explicitly: a uid that is not in the image's /etc/passwd would otherwise get "/".
  env.set('HOME', CONTAINER_HOME);
  for (const [k, v] of Object.entries(utf8LocaleEnv(i.imageEnv, { ...i.env, ...i.secretEnv }))) env.set(k, v);
  if (i.caBundle) {
    // NODE_EXTRA_CA_CERTS adds to Node's roots; SSL_CERT_FILE replaces OpenSSL's store, so
    // the bundle should be complete (the host's full bundle is, which is the default).
    env.set('NODE_EXTRA_CA_CERTS', CA_BUNDLE_TARGET);
    env.set('SSL_CERT_FILE', CA_BUNDLE_TARGET);
  }
  for (const [k, v] of Object.entries(i.env ?? {})) env.set(k, v);
  for (const [k, v] of Object.entries(i.secretEnv ?? {})) env.set(k, v);

  const mounts: Dockerode.MountSettings[] = [
    // The Mounts API takes paths as JSON strings: spaces, ':' and ',' need no escaping.
    { Type: 'bind', Source: i.workspace, Target: WORKSPACE_DIR, ReadOnly: false },
    ...(i.credentialMounts ?? []).map((m): Dockerode.MountSettings => ({ Type: 'bind', Source: m.source, Target: m.target, ReadOnly: true })),
    ...(i.caBundle ? [{ Type: 'bind', Source: i.caBundle, Target: CA_BUNDLE_TARGET, ReadOnly: true } satisfies Dockerode.MountSettings] : []),
  ];

  const scratch = 'rw,exec,nosuid,nodev';
  return {
    name: containerName(i.runtimeId, i.agentId),
    Hostname: i.agentId,
    Image: i.image,
    // sleep keeps the container alive; tmux is started by exec. Entrypoint is set so an
    // image's own entrypoint cannot wrap it.
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    User: user,
    WorkingDir: WORKSPACE_DIR,
    Env: [...env].map(([k, v]) => `${k}=${v}`),
    Labels: {
      [LABEL.marker]: 'true',
      [LABEL.runtimeId]: i.runtimeId,
      [LABEL.agentId]: i.agentId,
      [LABEL.sessionName]: i.sessionName,
      [LABEL.provider]: i.provider,
      [LABEL.createdAt]: i.createdAt.toISOString(),
      [LABEL.workspace]: i.workspace,
      [LABEL.user]: user,
      [LABEL.launch]: JSON.stringify(i.launchArgv),
      [LABEL.task]: taskSummary(i.task) ?? '',
    },
    Tty: false,
    OpenStdin: false,
    StopTimeout: 2,
    HostConfig: {
      Mounts: mounts,
      Binds: [...(i.extraBinds ?? [])],
      Memory: i.memory,
      NanoCpus: Math.round(i.cpus * 1e9),
      PidsLimit: i.pidsLimit,
      NetworkMode: i.network,
      // An init as PID 1 forwards SIGTERM and reaps the tmux server's children, so stop is fast.
      Init: true,
      Privileged: false,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: i.readOnlyRootFilesystem,
      ...(i.readOnlyRootFilesystem
        ? {
            Tmpfs: {
              '/tmp': scratch,
              '/var/tmp': scratch,
              [CONTAINER_HOME]: `${scratch},uid=${i.user.uid},gid=${i.user.gid},mode=0755`,
            },
          }
        : {}),
      // Back after a daemon restart or reboot; a `docker stop` by the user is respected.
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
    },
  };
}
