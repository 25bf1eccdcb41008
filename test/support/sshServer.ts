// A real OpenSSH server (Debian's openssh-server) on a free 127.0.0.1 port, for the SSH
// runtime's integration tests: generated host and user keys, a private sshd_config, a
// known_hosts file for it, its log for counting connections, stopped by its own pid.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pollUntil, withTimeout } from '../../src/core/async';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

export interface SshServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The local user the tests log in as (root on the test machines). */
  readonly user: string;
  readonly dir: string;
  /** An authorized private key (ed25519, no passphrase). */
  readonly userKeyPath: string;
  readonly hostKeyPath: string;
  /** `ssh-ed25519 AAAA...` of the host key. */
  readonly hostPublicKey: string;
  /** A known_hosts file with this server's key under `[127.0.0.1]:PORT`. */
  readonly knownHostsPath: string;
  readonly pid: number;
  log(): string;
  /** Successful logins so far: one per SSH connection that authenticated. */
  acceptedCount(): number;
  /** Waits until sshd has logged `n` logins (its log is written asynchronously). */
  waitForAccepted(n: number, timeoutMs?: number): Promise<number>;
  /** The sshd processes serving open connections (children of the listener). */
  connectionPids(): number[];
  /** Kills the processes serving every open connection: a connection drop, as a network failure would cause. */
  dropConnections(): number;
  stop(): Promise<void>;
}

export interface SshServerOptions {
  /** Extra sshd_config lines (e.g. "MaxSessions 2", "SetEnv PATH=/x"). */
  extraConfig?: string[];
}

/** Fails (never skips) when sshd is missing, saying how to get it. */
export function requireSshd(): void {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} not found: the SSH integration tests need a real OpenSSH server. Run "bash scripts/setup/test-env.sh" (or "bash scripts/setup/install-packages.sh openssh-server") first.`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves true once something on the port speaks SSH (sends its identification line). */
function speaksSsh(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    let banner = '';
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(1000, () => done(false));
    sock.on('data', (d) => {
      banner += d.toString('latin1');
      if (banner.includes('\n')) done(banner.startsWith('SSH-2.0-'));
    });
    sock.on('error', () => done(false));
    sock.on('close', () => done(false));
  });
}

export async function generateKey(path: string, comment = 'tmux-agents-test'): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // the process exited while we looked
    }
  }
  return out;
}

function descendantsOf(pid: number): number[] {
  const kids = childrenOf(pid);
  return kids.flatMap((k) => [k, ...descendantsOf(k)]);
}

export async function startSshServer(opts: SshServerOptions = {}): Promise<SshServer> {
  requireSshd();
  const dir = await mkdtemp(join(tmpdir(), 'tmux-agents-sshd-'));
  const hostKeyPath = join(dir, 'host_ed25519_key');
  const userKeyPath = join(dir, 'user_ed25519_key');
  await generateKey(hostKeyPath, 'test-host');
  await generateKey(userKeyPath, 'test-user');
  await writeFile(join(dir, 'authorized_keys'), await readFile(`${userKeyPath}.pub`));
  const hostPublicKey = (await readFile(`${hostKeyPath}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  const logPath = join(dir, 'sshd.log');
  const isRoot = process.getuid?.() === 0;
  // Privilege separation needs this directory when sshd runs as root; nothing creates it here.
  if (isRoot) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'LogLevel VERBOSE',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      ...(opts.extraConfig ?? []),
    ].join('\n');
    const configPath = join(dir, 'sshd_config');
    await writeFile(configPath, config + '\n');
    await writeFile(logPath, '');
    // -D: stay in the foreground, so this process owns it and stops it by its pid.
    const child: ChildProcess = spawn(SSHD, ['-D', '-f', configPath, '-E', logPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    let exited = false;
    const exitedP = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
    const ok = await pollUntil(async () => (exited ? false : (await speaksSsh(port)) ? true : undefined), { timeoutMs: 10_000, intervalMs: 20, maxIntervalMs: 200 });
    if (ok !== true) {
      const log = readFileSync(logPath, 'utf8');
      if (!exited) child.kill('SIGKILL');
      await exitedP;
      // Another process can take the port between freePort() and sshd's bind.
      if (/Address already in use/.test(log + stderr) && tries < 3) continue;
      await rm(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start on 127.0.0.1:${port}: ${(stderr + log).trim() || 'no output'}`);
    }
    const knownHostsPath = join(dir, 'known_hosts');
    await writeFile(knownHostsPath, `[127.0.0.1]:${port} ${hostPublicKey}\n`);
    const pid = child.pid!;
    const readLog = () => readFileSync(logPath, 'utf8');
    const acceptedCount = () => (readLog().match(/Accepted publickey for /g) ?? []).length;
    let stopped = false;
    return {
      host: '127.0.0.1',
      port,
      user: userInfo().username,
      dir,
      userKeyPath,
      hostKeyPath,
      hostPublicKey,
      knownHostsPath,
      pid,
      log: readLog,
      acceptedCount,
      async waitForAccepted(n, timeoutMs = 5_000) {
        const got = await pollUntil(async () => (acceptedCount() >= n ? acceptedCount() : undefined), { timeoutMs, intervalMs: 10, maxIntervalMs: 100 });
        return got ?? acceptedCount();
      },
      connectionPids: () => (exited ? [] : descendantsOf(pid)),
      dropConnections() {
        const pids = exited ? [] : descendantsOf(pid);
        for (const p of pids) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        return pids.length;
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        // The listener's SIGTERM leaves connection processes running: end them first, by pid.
        for (const p of exited ? [] : descendantsOf(pid)) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        if (!exited) {
          child.kill('SIGTERM');
          await withTimeout(exitedP, 5_000, 'sshd shutdown').catch(async () => {
            child.kill('SIGKILL');
            await exitedP;
          });
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
}
