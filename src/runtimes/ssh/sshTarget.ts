// Where an SSH runtime connects and how it authenticates: the user's settings validated up
// front (bad input fails before anything is created), then combined with ~/.ssh/config
// and OpenSSH's defaults at connect time, so edits to the config apply on reconnect.
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { TmuxAgentsError } from '../../core/errors';
import { expandTilde, resolveSshConfig, type SshConfigFs } from './sshConfig';

/** The host part of a runtime's settings (see SshRuntimeOptions for the whole). */
export interface SshHostOptions {
  /** Host name or IP address. Required unless `alias` is given (then it overrides the alias's HostName). */
  host?: string;
  /** Default: the alias's Port, else 22. */
  port?: number;
  /** Default: the alias's User, else the local user name (like ssh). */
  user?: string;
  /** Private key file (`~` allowed). Default: the alias's IdentityFile entries, else ~/.ssh/id_{rsa,ecdsa,ed25519}. */
  identityFile?: string;
  /** Also offer the keys of the ssh-agent at $SSH_AUTH_SOCK. Default true. */
  useAgent?: boolean;
  /** A `Host` alias from ~/.ssh/config; explicit host/port/user/identityFile override what it says. */
  alias?: string;
  /** known_hosts file to verify and trust host keys in. Default ~/.ssh/known_hosts (plus the global files). */
  knownHostsPath?: string;
  /** Default ~/.ssh/config. Only read when `alias` is set. */
  sshConfigPath?: string;
}

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  alias?: string;
  /** Key files to offer, in order; read at connect time, never logged. */
  identityFiles: string[];
  /** True when the key files are OpenSSH's defaults (missing ones are then not worth mentioning). */
  defaultIdentities: boolean;
  /** ssh-agent socket, when the agent is used and one is running. */
  agentSocket?: string;
  /** Why the agent is or is not used, for the auth-failed message. */
  agent: 'used' | 'disabled' | 'not-running';
  /** Files verified against; new keys are appended to the first. */
  knownHostsFiles: string[];
  /** Directives of the alias we cannot honour (ProxyJump, ProxyCommand). */
  unsupported: string[];
}

// Conservative on purpose: these strings reach ssh's argv and error messages, and a
// leading '-' would turn a host or user into an ssh option.
const HOST = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,252}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}\$?$/;
const ALIAS = /^[A-Za-z0-9_][A-Za-z0-9._@%+:-]{0,252}$/;

function invalid(message: string, hint?: string): never {
  throw new TmuxAgentsError('invalid-input', message, hint);
}

/** Throws an 'invalid-input' error naming the bad field; called by the runtime's constructor. */
export function validateSshHostOptions(o: SshHostOptions, id: string): void {
  const where = `SSH runtime "${id}"`;
  if (o.alias === undefined && !o.host) invalid(`${where} has no host.`, 'Set "host" (and optionally "port", "user", "identityFile"), or "alias" naming a Host in ~/.ssh/config.');
  if (o.alias !== undefined && !ALIAS.test(o.alias)) invalid(`${where}: invalid alias ${JSON.stringify(o.alias)}.`, 'Use the name of a Host entry in ~/.ssh/config.');
  if (o.host !== undefined && !HOST.test(o.host)) invalid(`${where}: invalid host ${JSON.stringify(o.host)}.`, 'Use a host name or IP address, e.g. "build-box.example.com" or "10.0.0.5".');
  if (o.port !== undefined && !(Number.isInteger(o.port) && o.port >= 1 && o.port <= 65535)) invalid(`${where}: invalid port ${JSON.stringify(o.port)}.`, 'Use a whole number from 1 to 65535.');
  if (o.user !== undefined && !USER.test(o.user)) invalid(`${where}: invalid user ${JSON.stringify(o.user)}.`, 'Use the login name on the host, e.g. "dev".');
  for (const [k, v] of [['identityFile', o.identityFile], ['knownHostsPath', o.knownHostsPath], ['sshConfigPath', o.sshConfigPath]] as const) {
    if (v !== undefined && (typeof v !== 'string' || !v.trim() || v.includes('\0'))) invalid(`${where}: invalid ${k} ${JSON.stringify(v)}.`, 'Use a file path.');
  }
}

export function targetLabel(t: Pick<SshTarget, 'user' | 'host' | 'port'>): string {
  const host = t.host.includes(':') && !t.host.startsWith('[') ? `[${t.host}]` : t.host;
  return `${t.user}@${host}:${t.port}`;
}

const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

export interface ResolveEnv {
  home?: string;
  localUser?: string;
  /** Default process.env.SSH_AUTH_SOCK. */
  agentSocket?: string;
  fs?: SshConfigFs;
}

/** The concrete target for a connection attempt: settings over the alias's config over ssh's defaults. */
export async function resolveSshTarget(o: SshHostOptions, env: ResolveEnv = {}): Promise<SshTarget> {
  const home = env.home ?? homedir();
  const localUser = env.localUser ?? userInfo().username;
  const cfg = o.alias !== undefined
    ? await resolveSshConfig(o.alias, { path: o.sshConfigPath && expandTilde(o.sshConfigPath, home), home, localUser, fs: env.fs })
    : { identityFiles: [], unsupported: [] as string[], hostName: undefined, port: undefined, user: undefined, userKnownHostsFiles: undefined };
  const host = o.host ?? cfg.hostName ?? o.alias!;
  const explicitKeys = o.identityFile !== undefined ? [expandTilde(o.identityFile, home)] : cfg.identityFiles;
  const agentSocket = o.useAgent === false ? undefined : (env.agentSocket ?? process.env.SSH_AUTH_SOCK) || undefined;
  const sshDir = join(home, '.ssh');
  const knownHostsFiles = o.knownHostsPath !== undefined
    ? [expandTilde(o.knownHostsPath, home)]
    : [
        ...(cfg.userKnownHostsFiles?.length ? cfg.userKnownHostsFiles : [join(sshDir, 'known_hosts'), join(sshDir, 'known_hosts2')]),
        '/etc/ssh/ssh_known_hosts',
        '/etc/ssh/ssh_known_hosts2',
      ];
  return {
    host,
    port: o.port ?? cfg.port ?? 22,
    user: o.user ?? cfg.user ?? localUser,
    alias: o.alias,
    identityFiles: explicitKeys.length ? explicitKeys : DEFAULT_IDENTITIES.map((f) => join(sshDir, f)),
    defaultIdentities: explicitKeys.length === 0,
    agentSocket,
    agent: o.useAgent === false ? 'disabled' : agentSocket ? 'used' : 'not-running',
    knownHostsFiles,
    unsupported: cfg.unsupported,
  };
}
