// Shared by the Docker runtime's integration tests: they run against the real daemon the
// test setup starts, with the real agent image and the fake agent CLI bind-mounted in.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { pollUntil } from '../../../src/core/async';
import { createLogger, type Logger } from '../../../src/core/log';
import { ProviderCatalog } from '../../../src/core/providers';
import type { AgentConfig } from '../../../src/core/types';
import { DockerRuntime, type DockerRuntimeOptions } from '../../../src/runtimes/docker';
import { FAKE_AGENT_READY, FIXTURES_DIR, fakeAgentCommand } from '../../support/fakeAgent';

import { AGENT_UID, FIXTURES_IN_CONTAINER, IMAGE, SOCKET, docker } from '../../support/dockerAgentImage';

export { AGENT_UID, FIXTURES_IN_CONTAINER, IMAGE, SOCKET, docker };
export const AGENT_LOG_IN_CONTAINER = '/workspace/agent.log';

/** Fails (never skips) when the daemon or the image is missing, saying how to get them. */
export async function requireDockerAndImage(): Promise<void> {
  try {
    await docker.ping();
  } catch (e) {
    assert.fail(`Docker daemon not reachable on ${SOCKET} (${(e as Error).message}): run \`bash scripts/setup/test-env.sh\` first.`);
  }
  try {
    await docker.getImage(IMAGE).inspect();
  } catch {
    assert.fail(`Image ${IMAGE} is missing: run \`bash scripts/setup/test-env.sh\` (or \`cd docker && ./build.sh\`).`);
  }
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A temp folder owned by the agent uid, so the fake agent can write its log into it. */
export function makeWorkspace(name = 'ws'): string {
  const dir = mkdtempSync(join(tmpdir(), `tmux-agents-docker-${name}-`));
  chownSync(dir, AGENT_UID, AGENT_UID);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Captures log lines, so tests can check what the runtime logged (and that no secret was). */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger((level, msg) => lines.push(`${level} ${msg}`), 'docker') };
}

export function newRuntime(id: string, opts: Partial<DockerRuntimeOptions> = {}): DockerRuntime {
  return new DockerRuntime({
    id,
    socketPath: SOCKET,
    image: IMAGE,
    // Never this machine's real credentials in a test container; the mount test uses a fake home.
    credentialMounts: false,
    extraBinds: [`${FIXTURES_DIR}:${FIXTURES_IN_CONTAINER}:ro`],
    providers: new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } }),
    readyTimeoutMs: 20_000,
    ...opts,
  });
}

export function fakeAgentConfig(agentId: string, workspace: string, extra: Partial<AgentConfig> & { args?: string[] } = {}): AgentConfig {
  const { args, env, ...rest } = extra;
  return {
    agentId,
    aiProvider: 'custom',
    customCommand: fakeAgentCommand({ path: `${FIXTURES_IN_CONTAINER}/fake-agent.mjs`, args }),
    workingDirectory: workspace,
    ...rest,
    env: { FAKE_AGENT_LOG: AGENT_LOG_IN_CONTAINER, ...env },
  };
}

/** Ids (from the docker CLI, independent of the code under test) of a runtime's containers. */
export function containersOf(runtimeId: string, extraFilters: string[] = []): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--no-trunc', '--filter', 'label=tmux-agents=true', '--filter', `label=tmux-agents.runtime-id=${runtimeId}`, ...extraFilters.flatMap((f) => ['--filter', f])], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/** Removes whatever a test left (by label), then asserts none is left. For after() hooks. */
/** A test file's after(): the runtime disposed, its containers and workspace removed. */
export async function tearDown(rt: { dispose(): void } | undefined, runtimeId: string, ws: string | undefined): Promise<void> {
  rt?.dispose();
  try {
    await cleanupRuntime(runtimeId);
  } finally {
    if (ws) removeDir(ws);
  }
}

export async function cleanupRuntime(runtimeId: string): Promise<void> {
  const ids = containersOf(runtimeId);
  for (const id of ids) {
    await docker.getContainer(id).remove({ force: true, v: true }).catch(() => undefined);
  }
  await pollUntil(async () => (containersOf(runtimeId).length === 0 ? true : undefined), { timeoutMs: 15_000 });
  assert.deepEqual(containersOf(runtimeId), [], `containers of runtime ${runtimeId} left behind`);
}

/** Runs argv in a private tmux server's pane (a real pty); returns helpers to read and stop it. */
export function runInPty(argv: readonly string[]): { socket: string; capture: () => string; sendKeys: (...keys: string[]) => void; stop: () => void } {
  const socket = uniqueId('pty');
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', '120', '-y', '40', '--', ...argv], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, `tmux new-session failed: ${r.stderr}`);
  return {
    socket,
    capture: () => spawnSync('tmux', ['-L', socket, 'capture-pane', '-p', '-t', '0'], { env, encoding: 'utf8' }).stdout ?? '',
    sendKeys: (...keys: string[]) => {
      const s = spawnSync('tmux', ['-L', socket, 'send-keys', '-t', '0', ...keys], { env, encoding: 'utf8' });
      assert.equal(s.status, 0, `send-keys failed: ${s.stderr}`);
    },
    stop: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env });
    },
  };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const v = await pollUntil(async () => probe(), { timeoutMs, intervalMs: 25, maxIntervalMs: 250 });
  if (v === undefined) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
  return v;
}
