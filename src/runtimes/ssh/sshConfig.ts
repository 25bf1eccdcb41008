// Reads what an `~/.ssh/config` Host alias means for a connection: HostName, Port, User,
// IdentityFile, UserKnownHostsFile. A small parser of OpenSSH's format (no dependency):
// first obtained value wins, IdentityFile accumulates, `Host` patterns with `*`, `?` and
// `!negation`, `Include` (with `*` globs), `Match all`. Other `Match` criteria cannot be
// evaluated without running ssh's own logic, so their blocks are skipped; ProxyJump and
// ProxyCommand are reported so the runtime can refuse instead of silently going direct.
import { readFile, readdir } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { globMatch } from './knownHosts';

export interface SshConfigHost {
  hostName?: string;
  port?: number;
  user?: string;
  /** In file order, tokens and `~` expanded. */
  identityFiles: string[];
  userKnownHostsFiles?: string[];
  /** Directives set for this host that we do not implement (e.g. ProxyJump): the caller refuses. */
  unsupported: string[];
}

export interface SshConfigFs {
  readFile(path: string): Promise<string | undefined>;
  readDir(dir: string): Promise<string[]>;
}

const nodeFs: SshConfigFs = {
  async readFile(path) {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  },
  async readDir(dir) {
    try {
      return await readdir(dir);
    } catch {
      return [];
    }
  },
};

export interface ResolveSshConfigOptions {
  /** Defaults to `~/.ssh/config`. */
  path?: string;
  home?: string;
  localUser?: string;
  fs?: SshConfigFs;
}

/** Directives that change how the host is reached; honouring them is future work, ignoring them wrong. */
const UNSUPPORTED: Record<string, string> = { proxyjump: 'ProxyJump', proxycommand: 'ProxyCommand' };
const MAX_INCLUDE_DEPTH = 16;

/** Splits a config line into keyword and arguments (`Key value`, `Key=value`, "quoted args"). */
export function parseConfigLine(raw: string): { keyword: string; args: string[] } | undefined {
  const line = raw.trim();
  if (!line || line.startsWith('#')) return undefined;
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*)$/.exec(line) ?? /^([A-Za-z][A-Za-z0-9]*)$/.exec(line);
  if (!m) return undefined;
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let a = re.exec(m[2] ?? ''); a; a = re.exec(m[2] ?? '')) {
    if (a[2]?.startsWith('#')) break; // trailing comment
    args.push(a[1] ?? a[2] ?? '');
  }
  return { keyword: m[1]!.toLowerCase(), args };
}

/** `Host` line semantics: some positive pattern matches and no negated one does. */
export function hostPatternsMatch(patterns: readonly string[], host: string): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), host)) return false;
    } else if (globMatch(p, host)) {
      positive = true;
    }
  }
  return positive;
}

interface Collected {
  values: Map<string, string[]>;
  identityFiles: string[];
}

async function readConfigFile(path: string, alias: string, fs: SshConfigFs, sshDir: string, home: string, out: Collected, active: boolean, depth: number): Promise<void> {
  const text = await fs.readFile(path);
  if (text === undefined) return;
  for (const raw of text.split(/\r?\n/)) {
    const d = parseConfigLine(raw);
    if (!d) continue;
    if (d.keyword === 'host') {
      active = hostPatternsMatch(d.args, alias);
      continue;
    }
    if (d.keyword === 'match') {
      active = d.args.length === 1 && d.args[0]!.toLowerCase() === 'all';
      continue;
    }
    if (!active) continue;
    if (d.keyword === 'include') {
      if (depth >= MAX_INCLUDE_DEPTH) continue;
      for (const pattern of d.args) {
        for (const file of await expandInclude(pattern, fs, sshDir, home)) {
          await readConfigFile(file, alias, fs, sshDir, home, out, true, depth + 1);
        }
      }
      continue;
    }
    if (d.keyword === 'identityfile') {
      if (d.args[0] && d.args[0].toLowerCase() !== 'none') out.identityFiles.push(d.args[0]);
      continue;
    }
    if (!out.values.has(d.keyword)) out.values.set(d.keyword, d.args);
  }
}

/** Include paths: `~` expanded, relative ones under ~/.ssh, `*`/`?` globs in the last component. */
async function expandInclude(pattern: string, fs: SshConfigFs, sshDir: string, home: string): Promise<string[]> {
  let p = expandTilde(pattern, home);
  if (!isAbsolute(p)) p = join(sshDir, p);
  const name = basename(p);
  if (!/[*?]/.test(name)) return [p];
  const dir = dirname(p);
  return (await fs.readDir(dir))
    .filter((f) => globMatch(name, f))
    .sort()
    .map((f) => join(dir, f));
}

export function expandTilde(path: string, home: string = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return path;
}

/** OpenSSH's percent tokens for IdentityFile/UserKnownHostsFile (%d %u %h %r %p %n %%) and `~`. */
export function expandTokens(path: string, t: { home: string; localUser: string; host: string; user: string; port: number; alias: string }): string {
  const expanded = path.replace(/%([%duhrpn])/g, (_, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'd': return t.home;
      case 'u': return t.localUser;
      case 'h': return t.host;
      case 'r': return t.user;
      case 'p': return String(t.port);
      default: return t.alias;
    }
  });
  return expandTilde(expanded, t.home);
}

/**
 * What `ssh ALIAS` would use from the config file. Values that are absent stay undefined;
 * the caller applies explicit settings over these and OpenSSH's defaults under them.
 */
export async function resolveSshConfig(alias: string, opts: ResolveSshConfigOptions = {}): Promise<SshConfigHost> {
  const home = opts.home ?? homedir();
  const localUser = opts.localUser ?? userInfo().username;
  const path = opts.path ?? join(home, '.ssh', 'config');
  const fs = opts.fs ?? nodeFs;
  const out: Collected = { values: new Map(), identityFiles: [] };
  // ssh lowercases the host it is given before matching Host patterns.
  const name = alias.toLowerCase();
  await readConfigFile(path, name, fs, join(home, '.ssh'), home, out, true, 0);

  const first = (k: string) => out.values.get(k)?.[0];
  const hostName = first('hostname')?.replace(/%(%|h)/g, (_, c: string) => (c === '%' ? '%' : name));
  const portText = first('port');
  const port = portText !== undefined && /^\d+$/.test(portText) ? Number(portText) : undefined;
  const user = first('user');
  const tokens = { home, localUser, host: hostName ?? name, user: user ?? localUser, port: port ?? 22, alias: name };
  const knownHosts = out.values.get('userknownhostsfile');
  return {
    hostName,
    port,
    user,
    identityFiles: out.identityFiles.map((f) => expandTokens(f, tokens)),
    userKnownHostsFiles: knownHosts?.filter((f) => f.toLowerCase() !== 'none').map((f) => expandTokens(f, tokens)),
    unsupported: Object.keys(UNSUPPORTED)
      .filter((k) => {
        const v = first(k);
        return v !== undefined && v.toLowerCase() !== 'none';
      })
      .map((k) => UNSUPPORTED[k]!),
  };
}
