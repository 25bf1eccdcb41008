// The Docker runtime on the local daemon with the agent image, configured the way the
// integration tests do it (test/integration/docker/dockerTestSupport.ts): test/fixtures
// bind-mounted at /opt/fixtures to run the fake agent, no host credentials mounted.
import { chownSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/core/log';
import { ProviderCatalog } from '../../../src/core/providers';
import type { AgentHandle } from '../../../src/core/types';
import { DockerRuntime } from '../../../src/runtimes/docker';
import { FAKE_AGENT_READY, FIXTURES_DIR, fakeAgentCommand, waitForMessages } from '../../../test/support/fakeAgent';
import { onCleanup, removeContainersByLabel, runTag } from '../cleanup';
import { cgroupMemoryOf, treeRss } from '../memoryProbe';
import { traceLog } from '../trace';
import { runCli } from './cli';
import { MINIMAL_AGENT, type BenchRuntime, type IdleMemory } from './types';

import { AGENT_UID, FIXTURES_IN_CONTAINER, IMAGE, SOCKET, docker } from '../../../test/support/dockerAgentImage';

export { AGENT_UID, FIXTURES_IN_CONTAINER, IMAGE, SOCKET, docker };

export async function requireDocker(): Promise<string> {
  try {
    await docker.ping();
  } catch (e) {
    throw new Error(`Docker daemon not reachable on ${SOCKET} (${(e as Error).message}): run \`bash scripts/setup/test-env.sh\` first.`);
  }
  try {
    await docker.getImage(IMAGE).inspect();
  } catch {
    throw new Error(`Image ${IMAGE} is missing: run \`bash scripts/setup/test-env.sh\` (or \`cd docker && ./build.sh\`).`);
  }
  return String((await docker.version()).Version);
}

export function agentWorkspace(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${runTag}-${tag}-`));
  chownSync(dir, AGENT_UID, AGENT_UID);
  onCleanup(`workspace ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Memory of a container from its cgroup, with the pane's own tree (the agent CLI) split out. */
export async function containerMemory(containerId: string, panePidInContainer: number | undefined): Promise<IdleMemory | undefined> {
  const info = await docker.getContainer(containerId).inspect();
  const cg = cgroupMemoryOf(info.State.Pid);
  if (!cg) return undefined;
  // The pane's pid is in the container's pid namespace; find its host pid by NSpid.
  let agentMiB = 0;
  if (panePidInContainer !== undefined) {
    const procs = readFileSync(join(cg.path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
    for (const p of procs) {
      const nspid = readFileSync(`/proc/${p}/status`, 'utf8').match(/^NSpid:\s*(.*)$/m)?.[1]?.trim().split(/\s+/);
      if (nspid && Number(nspid[nspid.length - 1]) === panePidInContainer) agentMiB = treeRss(Number(p)).rssMiB;
    }
  }
  return {
    source: `cgroup v${cg.version}: ${cg.version === 1 ? 'memory.usage_in_bytes minus memory.stat total_inactive_file' : 'memory.current minus inactive_file'}`,
    totalMiB: cg.workingSetMiB,
    agentMiB,
    byProcess: cg.byProcess,
    cgroup: { usageMiB: cg.usageMiB, workingSetMiB: cg.workingSetMiB, anonMiB: cg.anonMiB, cacheMiB: cg.cacheMiB },
  };
}

export function createDockerEnv(): BenchRuntime {
  const id = `${runTag}-docker`;
  const ws = agentWorkspace('docker');
  const runtime = new DockerRuntime({
    id,
    socketPath: SOCKET,
    image: IMAGE,
    credentialMounts: false,
    extraBinds: [`${FIXTURES_DIR}:${FIXTURES_IN_CONTAINER}:ro`],
    providers: new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } }),
    readyTimeoutMs: 60_000,
    logger: createLogger((level, msg) => traceLog(`${level} ${msg}`), 'docker'),
  });
  let disposed = false;
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    runtime.dispose();
    await removeContainersByLabel(docker, `tmux-agents.runtime-id=${id}`);
  };
  onCleanup('docker runtime containers', dispose);
  const containerOf = (h: AgentHandle) => h.data.containerId ?? h.data.containerName!;
  return {
    name: 'docker',
    runtime,
    config: (agentId, kind, task) => ({
      agentId,
      aiProvider: 'custom',
      customCommand: kind === 'fake' ? fakeAgentCommand({ path: `${FIXTURES_IN_CONTAINER}/fake-agent.mjs` }) : MINIMAL_AGENT,
      workingDirectory: ws,
      task,
      env: { FAKE_AGENT_LOG: `/workspace/${agentId}.log` },
    }),
    delivered: async (h, task) => (await waitForMessages(join(ws, `${h.agentId}.log`), 1, 5_000).catch((): string[] => [])).includes(task),
    goneCheck: async (h) => {
      const c = docker.getContainer(containerOf(h));
      return async () => c.inspect().then(() => false, (e: { statusCode?: number }) => e.statusCode === 404);
    },
    cliTmux: {
      label: '`docker exec <id> tmux …` process',
      run: async (h, argv) => {
        await runCli('docker', ['exec', '-u', h.data.user ?? `${AGENT_UID}:${AGENT_UID}`, containerOf(h), ...argv]);
      },
    },
    memory: async (h) => containerMemory(containerOf(h), (await runtime.getTmux(h).paneState(h.sessionName)).pid),
    dispose,
  };
}
