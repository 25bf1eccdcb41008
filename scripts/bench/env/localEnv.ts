// The local runtime on its own tmux server (`-L bench-<pid>-local`), agents in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderCatalog } from '../../../src/core/providers';
import type { AgentHandle } from '../../../src/core/types';
import { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import type { TmuxService } from '../../../src/tmux/tmuxService';
import { FAKE_AGENT_READY, fakeAgentCommand, waitForMessages } from '../../../test/support/fakeAgent';
import { killTmuxServer, onCleanup, runTag } from '../cleanup';
import { isAlive, processMemory, processTree, treeRss } from '../memoryProbe';
import { MINIMAL_AGENT, type BenchRuntime, type IdleMemory } from './types';

/** True once the pane's process and all its descendants (captured now) have exited. */
export async function paneTreeGone(tmux: TmuxService, session: string): Promise<() => Promise<boolean>> {
  const pid = (await tmux.paneState(session)).pid;
  const pids = pid ? processTree(pid) : [];
  return async () => pids.every((p) => !isAlive(p));
}

export function createLocalEnv(): BenchRuntime {
  const socketName = `${runTag}-local`;
  const dir = mkdtempSync(join(tmpdir(), `${runTag}-local-`));
  const runtime = new LocalRuntime({
    id: `${runTag}-local`,
    socketName,
    providers: new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } }),
    readyTimeoutMs: 60_000,
  });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    await killTmuxServer(socketName);
    rmSync(dir, { recursive: true, force: true });
  };
  onCleanup('local runtime', dispose);
  const logOf = (agentId: string) => join(dir, `${agentId}.log`);
  return {
    name: 'local',
    runtime,
    config: (agentId, kind, task) => ({
      agentId,
      aiProvider: 'custom',
      customCommand: kind === 'fake' ? fakeAgentCommand({ node: process.execPath }) : MINIMAL_AGENT,
      workingDirectory: dir,
      task,
      env: { FAKE_AGENT_LOG: logOf(agentId) },
    }),
    delivered: async (h, task) => (await waitForMessages(logOf(h.agentId), 1, 5_000).catch((): string[] => [])).includes(task),
    goneCheck: (h) => paneTreeGone(runtime.getTmux(h), h.sessionName),
    memory: (h) => paneMemory(runtime.getTmux(h), h),
    dispose,
  };
}

/** VmRSS of the pane's process tree, and the tmux server's (shared by every agent on it). */
export async function paneMemory(tmux: TmuxService, h: AgentHandle): Promise<IdleMemory | undefined> {
  const pid = (await tmux.paneState(h.sessionName)).pid;
  if (!pid) return undefined;
  const tree = treeRss(pid);
  const serverPid = Number((await tmux.run(['display-message', '-p', '#{pid}'])).trim());
  const server = processMemory(serverPid);
  return {
    source: 'VmRSS of the pane process tree (/proc); the tmux server is shared by all agents on it',
    totalMiB: tree.rssMiB,
    agentMiB: tree.rssMiB,
    byProcess: { ...tree.byProcess, ...(server ? { 'tmux server (shared)': server.rssMiB } : {}) },
  };
}
