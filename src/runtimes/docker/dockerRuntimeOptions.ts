// What a Docker runtime is configured with (one entry of `tmuxAgents.runtimes` with
// type "docker", plus what the extension injects), its defaults, and the checks that
// reject a bad configuration before anything touches the daemon.
import { statSync, type Stats } from 'node:fs';
import { TmuxAgentsError } from '../../core/errors';
import { validateRuntimeId } from '../../core/ids';
import type { Logger } from '../../core/log';
import type { ProviderCatalog } from '../../core/providers';
import { checkExtraBind, checkNetwork, type AgentUser } from './containerSpec';
import { selectedCredentialPaths, type CredentialMountSetting } from './credentialMounts';
import { DEFAULT_IMAGE } from './dockerErrors';

export interface DockerRuntimeOptions {
  /** Registry id; stamped on every container (label tmux-agents.runtime-id), so several Docker runtimes never see each other's agents. */
  id: string;
  /** Tree label. Default "Docker", plus the context or host when the daemon is not the default one. */
  label?: string;
  /**
   * Daemon address: a socket path or a unix://, tcp://, ssh://, npipe:// URL. Default: DOCKER_HOST,
   * else the current docker context's endpoint, else /var/run/docker.sock (Windows: the docker_engine pipe).
   */
  socketPath?: string;
  /** Default "tmux-agents-base:latest" (built by `cd docker && ./build.sh`). */
  image?: string;
  /** Bridge network every agent joins; created when missing. Default "tmux-agents". "host" is refused. */
  network?: string;
  /** Extra `docker run -v` binds ("host:container[:ro]") for every agent. The Docker socket is refused. */
  extraBinds?: string[];
  /** Bytes, when the agent's config sets none. Default 4 GiB. */
  defaultMemory?: number;
  /** CPUs, when the agent's config sets none. Default 2.0, capped at the daemon's CPU count. */
  defaultCpus?: number;
  /**
   * Host credentials mounted read-only into /home/agent: true (default: every known path
   * except ~/.ssh), false (none), or home-relative paths (".claude", ".ssh", ...). Only
   * paths that exist are mounted, and only for daemons on this machine.
   */
  credentialMounts?: CredentialMountSetting;
  /**
   * PEM bundle trusted in agent containers (NODE_EXTRA_CA_CERTS and SSL_CERT_FILE), for
   * TLS-inspecting proxies. Default: the file NODE_EXTRA_CA_CERTS names, if it exists.
   * "" or false: none. SSL_CERT_FILE replaces OpenSSL's store, so give a complete bundle.
   */
  extraCaBundle?: string | false;
  /** Read-only root filesystem with tmpfs on /tmp, /var/tmp and /home/agent. Default false. */
  readOnlyRootFilesystem?: boolean;
  /** Max processes in an agent container. Default 1024. */
  pidsLimit?: number;
  /**
   * uid the agent (and tmux) runs as, so files it writes in the workspace belong to you.
   * Default: the workspace folder's owner on Linux when that is not root, else 1000 (the
   * image's `agent` user). The image's home is owned by its build-time AGENT_UID
   * (build.sh), so a different uid here should match a rebuilt image.
   */
  uid?: number;
  /** gid to run as. Default: the workspace folder's group when the uid came from it, else the uid. */
  gid?: number;
  /** Provider catalog with the user's overrides. */
  providers?: ProviderCatalog;
  /** How long an agent CLI may take to show its ready screen. Default 30 s. */
  readyTimeoutMs?: number;
  /** Per tmux command (one exec). Default 10 s. */
  commandTimeoutMs?: number;
  /**
   * tmux commands over one control-mode client per container (default true) instead of an
   * exec each; false keeps one exec per command (the benchmark compares the two).
   */
  tmuxControlMode?: boolean;
  /** Watch each agent container's tmux for status changes while someone listens (default true). */
  liveUpdates?: boolean;
  /** Output activity from all containers is pushed at most this often. Default 2000 ms. */
  activityThrottleMs?: number;
  /**
   * A running agent container whose tmux session is missing (the container was restarted,
   * e.g. by a daemon restart) gets its CLI relaunched once it has been up this long, which
   * keeps clear of a spawn that is still setting the session up. Default 5 s.
   */
  restoreGraceMs?: number;
  logger?: Logger;
  /** Discovery inputs, for tests: the environment and home folder to read (default: this process's). */
  environment?: { env?: Readonly<Record<string, string | undefined>>; homeDir?: string };
}

export const DEFAULTS = {
  image: DEFAULT_IMAGE,
  network: 'tmux-agents',
  defaultMemory: 4 * 1024 ** 3,
  defaultCpus: 2.0,
  pidsLimit: 1024,
  uid: 1000,
  readyTimeoutMs: 30_000,
  commandTimeoutMs: 10_000,
  restoreGraceMs: 5_000,
} as const;

function invalid(message: string, hint?: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', message, hint);
}

/** Checks the runtime's own options (the constructor calls it, so a bad setting fails at registration). */
export function checkOptions(o: DockerRuntimeOptions): void {
  validateRuntimeId(o.id);
  if (o.image !== undefined && !o.image.trim()) throw invalid(`Docker runtime ${o.id}: image is empty.`);
  if (o.network !== undefined) checkNetwork(o.network);
  for (const b of o.extraBinds ?? []) checkExtraBind(b);
  if (o.defaultMemory !== undefined && (!Number.isSafeInteger(o.defaultMemory) || o.defaultMemory < 6 * 1024 * 1024)) {
    throw invalid(`Docker runtime ${o.id}: defaultMemory ${o.defaultMemory} must be bytes, at least 6 MiB.`, 'E.g. 4294967296 for 4 GiB.');
  }
  if (o.defaultCpus !== undefined && (!Number.isFinite(o.defaultCpus) || o.defaultCpus < 0.01)) {
    throw invalid(`Docker runtime ${o.id}: defaultCpus ${o.defaultCpus} must be at least 0.01.`);
  }
  if (o.pidsLimit !== undefined && (!Number.isSafeInteger(o.pidsLimit) || o.pidsLimit < 1)) {
    throw invalid(`Docker runtime ${o.id}: pidsLimit ${o.pidsLimit} must be a positive whole number.`);
  }
  for (const [k, v] of [['uid', o.uid], ['gid', o.gid]] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1 || v > 0x7fffffff)) {
      throw invalid(`Docker runtime ${o.id}: ${k} ${v} is not allowed; agents run as a non-root user (a number from 1).`);
    }
  }
  selectedCredentialPaths(o.credentialMounts);
}

/**
 * Who the agent runs as: the configured uid, else the workspace owner (Linux, not root),
 * else 1000. Root is never chosen: a root-owned workspace must be writable by the agent
 * user some other way (e.g. chown it, or set uid).
 */
export function resolveAgentUser(o: Pick<DockerRuntimeOptions, 'uid' | 'gid'>, workspace: Pick<Stats, 'uid' | 'gid'> | undefined, platform: NodeJS.Platform = process.platform): AgentUser {
  if (o.uid !== undefined) return { uid: o.uid, gid: o.gid ?? o.uid };
  if (workspace && platform === 'linux' && workspace.uid > 0) {
    return { uid: workspace.uid, gid: o.gid ?? (workspace.gid > 0 ? workspace.gid : workspace.uid) };
  }
  return { uid: DEFAULTS.uid, gid: o.gid ?? DEFAULTS.uid };
}

/** The CA bundle to mount, or undefined. An explicitly configured file must exist. */
export function resolveCaBundle(setting: string | false | undefined, env: Readonly<Record<string, string | undefined>>, isFile: (p: string) => boolean = defaultIsFile): string | undefined {
  if (setting === false || setting === '') return undefined;
  if (setting !== undefined) {
    if (!isFile(setting)) {
      throw invalid(`The extra CA bundle ${JSON.stringify(setting)} is not a file on this machine.`, 'Fix the runtime\'s extraCaBundle setting, or clear it.');
    }
    return setting;
  }
  const fromEnv = env.NODE_EXTRA_CA_CERTS?.trim();
  return fromEnv && isFile(fromEnv) ? fromEnv : undefined;
}

function defaultIsFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}
