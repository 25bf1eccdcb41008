// Shared setup of the local-runtime integration tests: a private tmux socket per test
// file (killed and removed afterwards), the fake agent as the `custom` provider, temp dirs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pollUntil } from '../../../src/core/async';
import { ProviderCatalog } from '../../../src/core/providers';
import type { AgentConfig, AgentInfo } from '../../../src/core/types';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { FAKE_AGENT_READY, fakeAgentCommand } from '../../support/fakeAgent';

/** A socket name no other test file (or person) uses. */
export function uniqueSocket(testFile: string, suffix = ''): string {
  return `ta-it-${basename(testFile).replace(/\.test\.ts$/, '')}${suffix}-${process.pid}`;
}

export function tmuxSocketPath(socketName: string): string {
  return join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid!()}`, socketName);
}

/** A TmuxService on `socketName` for checks behind the runtime's back. */
export function rawTmux(socketName: string): TmuxService {
  return new TmuxService(new LocalProcessExecutor(), { socketName });
}

/** Kills the server on `socketName` and removes its socket file (tmux 3.3a leaves it behind). */
export async function killTmuxServer(socketName: string): Promise<void> {
  await new LocalProcessExecutor().exec(['tmux', '-L', socketName, 'kill-server'], { timeoutMs: 5_000 }).catch(() => undefined);
  rmSync(tmuxSocketPath(socketName), { force: true });
}

/** The catalog most tests use: `custom` is ready when the fake agent's prompt shows. */
export function fakeAgentProviders(): ProviderCatalog {
  return new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } });
}

export function localRuntime(socketName: string, opts: { id?: string; providers?: ProviderCatalog; readyTimeoutMs?: number } = {}): LocalRuntime {
  return new LocalRuntime({
    id: opts.id ?? 'local',
    socketName,
    providers: opts.providers ?? fakeAgentProviders(),
    readyTimeoutMs: opts.readyTimeoutMs ?? 10_000,
    commandTimeoutMs: 5_000,
  });
}

export function makeTempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ta-it-${tag}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** A config that runs the fake agent, logging to `log`. */
export function fakeAgentConfig(agentId: string, opts: { log: string; cwd: string; task?: string; args?: string[]; env?: Record<string, string> }): AgentConfig {
  return {
    agentId,
    aiProvider: 'custom',
    customCommand: fakeAgentCommand({ node: process.execPath, args: opts.args }),
    workingDirectory: opts.cwd,
    task: opts.task,
    env: { FAKE_AGENT_LOG: opts.log, ...opts.env },
  };
}

/** Polls `probe` until it returns a value; throws a descriptive error at the deadline. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const v = await pollUntil(probe, { timeoutMs, intervalMs: 20, maxIntervalMs: 200 });
  if (v === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}

export async function agentStatus(runtime: LocalRuntime, agentId: string): Promise<AgentInfo | undefined> {
  return (await runtime.listAgents()).find((a) => a.handle.agentId === agentId);
}
