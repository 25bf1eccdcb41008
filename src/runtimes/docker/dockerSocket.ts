// Which Docker daemon a runtime talks to, found the way the docker CLI finds it, so Docker
// Desktop, Colima, Podman and remote daemons work without configuration:
//   the setting > DOCKER_HOST > DOCKER_CONTEXT > ~/.docker/config.json currentContext > default socket.
// Pure apart from reading the CLI's small config files (through `readFile`, for tests).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TmuxAgentsError } from '../../core/errors';

export type EndpointSource = 'setting' | 'DOCKER_HOST' | 'context' | 'default';

export interface DockerTlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface DockerEndpoint {
  kind: 'unix' | 'npipe' | 'tcp' | 'ssh';
  /** As `docker -H` takes it: unix:///var/run/docker.sock, tcp://host:2376, ssh://me@host. */
  url: string;
  source: EndpointSource;
  /** Set when the endpoint came from a docker context. */
  contextName?: string;
  socketPath?: string;
  host?: string;
  port?: number;
  username?: string;
  /** https for tcp when TLS is on; the files are read when the client is created. */
  tls?: DockerTlsFiles;
  /**
   * The daemon sees this machine's files (a local socket: Docker Engine, Docker Desktop,
   * Colima and Podman share the home folder), so bind-mount sources can be checked here
   * and host credentials make sense to mount.
   */
  isLocal: boolean;
  /** docker CLI arguments that reach the same daemon from a terminal ([] for the default). */
  cliArgs: string[];
}

export interface DiscoveryInput {
  /** The runtime's `socketPath` setting: a socket path or a unix://, tcp://, npipe://, ssh:// URL. */
  socketPath?: string;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
  platform?: NodeJS.Platform;
  /** Returns the file's text, or undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
}

export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';
export const DEFAULT_NPIPE = '//./pipe/docker_engine';

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

export function defaultEndpoint(platform: NodeJS.Platform = process.platform): DockerEndpoint {
  return platform === 'win32'
    ? { kind: 'npipe', url: `npipe://${DEFAULT_NPIPE}`, socketPath: DEFAULT_NPIPE, source: 'default', isLocal: true, cliArgs: [] }
    : { kind: 'unix', url: `unix://${DEFAULT_UNIX_SOCKET}`, socketPath: DEFAULT_UNIX_SOCKET, source: 'default', isLocal: true, cliArgs: [] };
}

/** Whether a URL names the platform's default daemon (then a terminal needs no -H). */
function isDefaultUrl(url: string, platform: NodeJS.Platform): boolean {
  return url === defaultEndpoint(platform).url;
}

/**
 * Parses a daemon address in any form the docker CLI accepts for -H / DOCKER_HOST, plus a
 * bare absolute socket path (what a `socketPath` setting usually holds).
 */
export function parseDockerHost(raw: string, source: EndpointSource, platform: NodeJS.Platform = process.platform): DockerEndpoint {
  const value = raw.trim();
  const bad = (why: string) =>
    new TmuxAgentsError(
      'invalid-input',
      `Cannot use Docker daemon address ${JSON.stringify(raw)} (from ${source === 'setting' ? 'the socketPath setting' : source}): ${why}.`,
      'Use a socket path (/var/run/docker.sock) or a URL: unix:///path, tcp://host:2375, ssh://user@host, npipe:////./pipe/docker_engine.',
    );
  if (!value) throw bad('it is empty');
  const cli = (url: string) => (isDefaultUrl(url, platform) ? [] : ['-H', url]);
  if (value.startsWith('/') && !value.startsWith('//')) {
    const url = `unix://${value}`;
    return { kind: 'unix', url, socketPath: value, source, isLocal: true, cliArgs: cli(url) };
  }
  if (value.startsWith('//./pipe/')) {
    const url = `npipe://${value}`;
    return { kind: 'npipe', url, socketPath: value, source, isLocal: true, cliArgs: cli(url) };
  }
  const scheme = /^([a-z]+):\/\//i.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const path = value.slice('unix://'.length);
    if (!path.startsWith('/')) throw bad('a unix:// address needs an absolute socket path');
    return { kind: 'unix', url: value, socketPath: path, source, isLocal: true, cliArgs: cli(value) };
  }
  if (scheme === 'npipe') {
    const path = value.slice('npipe://'.length) || DEFAULT_NPIPE;
    return { kind: 'npipe', url: value, socketPath: path, source, isLocal: true, cliArgs: cli(value) };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let u: URL;
    try {
      u = new URL(value.replace(/^tcp:/i, 'http:'));
    } catch {
      throw bad('it is not a valid URL');
    }
    if (!u.hostname) throw bad('it has no host name');
    const tlsScheme = scheme === 'https';
    const port = u.port ? Number(u.port) : tlsScheme ? 2376 : 2375;
    const url = `tcp://${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${port}`;
    return { kind: 'tcp', url, host: u.hostname.replace(/^\[|\]$/g, ''), port, source, isLocal: false, cliArgs: ['-H', url], ...(tlsScheme ? { tls: {} } : {}) };
  }
  if (scheme === 'ssh') {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw bad('it is not a valid URL');
    }
    if (!u.hostname) throw bad('it has no host name');
    return {
      kind: 'ssh',
      url: value,
      host: u.hostname,
      port: u.port ? Number(u.port) : 22,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      source,
      isLocal: false,
      cliArgs: ['-H', value],
    };
  }
  throw bad(scheme ? `the scheme ${scheme}:// is not supported` : 'it is neither an absolute path nor a URL');
}

interface ContextMeta {
  Name?: string;
  Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } };
}

/** Finds the daemon, the way the docker CLI would (see the header). */
export function discoverDockerEndpoint(input: DiscoveryInput = {}): DockerEndpoint {
  const env = input.env ?? process.env;
  const platform = input.platform ?? process.platform;
  const home = input.homeDir ?? homedir();
  const readFile = input.readFile ?? readIfExists;

  if (input.socketPath?.trim()) return parseDockerHost(input.socketPath, 'setting', platform);

  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    const ep = parseDockerHost(dockerHost, 'DOCKER_HOST', platform);
    if (ep.kind === 'tcp' && (env.DOCKER_TLS_VERIFY === '1' || env.DOCKER_TLS_VERIFY === 'true' || ep.port === 2376 || ep.tls)) {
      const dir = env.DOCKER_CERT_PATH?.trim() || env.DOCKER_CONFIG?.trim() || join(home, '.docker');
      ep.tls = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    }
    return ep;
  }

  const configDir = env.DOCKER_CONFIG?.trim() || join(home, '.docker');
  let contextName = env.DOCKER_CONTEXT?.trim();
  const configPath = join(configDir, 'config.json');
  if (!contextName) {
    const text = readFile(configPath);
    if (text !== undefined) {
      try {
        const cfg = JSON.parse(text) as { currentContext?: unknown };
        if (typeof cfg.currentContext === 'string') contextName = cfg.currentContext.trim();
      } catch (e) {
        throw new TmuxAgentsError('invalid-input', `${configPath} is not valid JSON (${(e as Error).message}), so the current docker context cannot be read.`, 'Fix or remove that file, or set the runtime\'s socketPath.');
      }
    }
  }
  if (contextName && contextName !== 'default') return contextEndpoint(contextName, configDir, platform, readFile);
  return defaultEndpoint(platform);
}

/** The docker context store keeps each context under the sha256 of its name. */
export function contextDirName(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

function contextEndpoint(name: string, configDir: string, platform: NodeJS.Platform, readFile: (p: string) => string | undefined): DockerEndpoint {
  const id = contextDirName(name);
  const metaPath = join(configDir, 'contexts', 'meta', id, 'meta.json');
  const text = readFile(metaPath);
  const hint = `Run "docker context ls" to see the contexts, "docker context use default" to go back to the default one, or set the runtime's socketPath.`;
  if (text === undefined) {
    throw new TmuxAgentsError('invalid-input', `The current docker context "${name}" does not exist (no ${metaPath}).`, hint);
  }
  let meta: ContextMeta;
  try {
    meta = JSON.parse(text) as ContextMeta;
  } catch (e) {
    throw new TmuxAgentsError('invalid-input', `The docker context "${name}" has an unreadable ${metaPath}: ${(e as Error).message}.`, hint);
  }
  const host = meta.Endpoints?.docker?.Host;
  if (!host) {
    throw new TmuxAgentsError('invalid-input', `The docker context "${name}" has no docker endpoint in ${metaPath}.`, hint);
  }
  const ep = parseDockerHost(host, 'context', platform);
  ep.contextName = name;
  // A terminal reaches the same daemon through the context, TLS material included.
  ep.cliArgs = ['--context', name];
  if (ep.kind === 'tcp') {
    const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
    const files: DockerTlsFiles = {};
    for (const f of ['ca', 'cert', 'key'] as const) {
      const p = join(tlsDir, `${f}.pem`);
      if (readFile(p) !== undefined) files[f] = p;
    }
    if (files.ca || files.cert) ep.tls = files;
  }
  return ep;
}

/** "unix:///var/run/docker.sock" or "context colima (unix:///...)", for messages. */
export function describeEndpoint(ep: DockerEndpoint): string {
  if (ep.contextName) return `docker context "${ep.contextName}" (${ep.url})`;
  if (ep.source === 'DOCKER_HOST') return `${ep.url} (from DOCKER_HOST)`;
  return ep.url;
}
