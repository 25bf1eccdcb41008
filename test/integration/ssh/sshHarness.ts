// Shared setup of the SSH runtime's integration tests: a runtime against the test sshd
// (its key, its known_hosts, a private tmux socket), the fake agent as the `custom`
// provider, and cleanup of tmux servers and sshd processes by their own names and pids.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pollUntil } from '../../../src/core/async';
import { ProviderCatalog } from '../../../src/core/providers';
import type { AgentConfig, AgentHandle } from '../../../src/core/types';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import { SshRuntime, type SshRuntimeOptions } from '../../../src/runtimes/ssh';
import type { CommandExecutor } from '../../../src/tmux/executor';
import { FAKE_AGENT_READY, fakeAgentCommand } from '../../support/fakeAgent';
import type { SshServer } from '../../support/sshServer';

let counter = 0;
/** A tmux socket name no other test (or person) uses. */
export function uniqueSocket(testFile: string): string {
  return `ta-it-ssh-${basename(testFile).replace(/\.test\.ts$/, '')}-${process.pid}-${++counter}`;
}

export function sshRuntime(srv: SshServer, socketName: string, opts: Partial<SshRuntimeOptions> = {}): SshRuntime {
  return new SshRuntime({
    id: 'ssh-test',
    host: srv.host,
    port: srv.port,
    user: srv.user,
    identityFile: srv.userKeyPath,
    knownHostsPath: srv.knownHostsPath,
    // The developer's own agent must not make a wrong-key test pass.
    useAgent: false,
    socketName,
    providers: new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } }),
    readyTimeoutMs: 15_000,
    commandTimeoutMs: 10_000,
    ...opts,
  });
}

/** The runtime's executor, for raw commands over its shared connection. */
export function executorOf(rt: SshRuntime): CommandExecutor {
  const handle: AgentHandle = { runtimeType: 'ssh', runtimeId: rt.id, agentId: 'x', sessionName: 'x', data: {} };
  return rt.getTmux(handle).executor;
}

/** The "remote" host is this machine: its tmux server is killed locally, by socket name. */
export async function killTmuxServer(socketName: string): Promise<void> {
  await new LocalProcessExecutor().exec(['tmux', '-L', socketName, 'kill-server'], { timeoutMs: 5_000 }).catch(() => undefined);
  rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid!()}`, socketName), { force: true });
}

export function makeTempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ta-it-ssh-${tag}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

export function fakeAgentConfig(agentId: string, opts: { log: string; cwd: string; task?: string; args?: string[] }): AgentConfig {
  return {
    agentId,
    aiProvider: 'custom',
    // The test sshd runs on this machine, so the remote side finds node and the fixture at the same paths.
    customCommand: fakeAgentCommand({ node: process.execPath, args: opts.args }),
    workingDirectory: opts.cwd,
    task: opts.task,
    env: { FAKE_AGENT_LOG: opts.log },
  };
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const v = await pollUntil(probe, { timeoutMs, intervalMs: 20, maxIntervalMs: 200 });
  if (v === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}

/** Processes whose command line mentions `needle` (e.g. a server's temp dir): none may outlive a test file. */
export function processesMentioning(needle: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd.includes(needle)) out.push(`${name}: ${cmd}`);
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Stops the server and fails if any of its processes is left. */
export async function stopAndCheck(srv: SshServer | undefined): Promise<void> {
  if (!srv) return;
  // Connection processes are named "sshd: user@notty", not by our config: note their pids first.
  const pids = [srv.pid, ...srv.connectionPids()];
  await srv.stop();
  const left = [...processesMentioning(srv.dir), ...pids.filter(isRunning).map((p) => `pid ${p}`)];
  if (left.length) throw new Error(`sshd processes left running: ${left.join('; ')}`);
}

function isRunning(pid: number): boolean {
  try {
    // A zombie is dead, only not yet reaped by its new parent.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
