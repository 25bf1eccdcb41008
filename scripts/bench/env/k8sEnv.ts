// The Kubernetes runtime against the project's test API server (test/k8s-server), which runs
// every pod as a Docker container, with the fake agent baked into a test image
// (test/integration/k8s/k8sHarness.ts). Pods have no host mounts, so the fake agent's log
// is read through the runtime's own exec.
import { createLogger } from '../../../src/core/log';
import type { AgentHandle } from '../../../src/core/types';
import { LABEL_POD } from '../../../test/k8s-server/docker/labels.ts';
import { startK8sTestServer } from '../../../test/k8s-server/index.ts';
import { fakeAgentConfig, fakeAgentImage, k8sRuntime, waitForPodMessages } from '../../../test/integration/k8s/k8sHarness';
import { onCleanup, runTag } from '../cleanup';
import { traceLog } from '../trace';
import { runCli } from './cli';
import { containerMemory, docker } from './dockerEnv';
import { MINIMAL_AGENT, type BenchRuntime } from './types';

export async function createK8sEnv(): Promise<BenchRuntime> {
  const image = await fakeAgentImage();
  const server = await startK8sTestServer({ namespaces: ['tmux-agents'], log: (line) => traceLog(`k8s-test-server: ${line}`) });
  let disposed = false;
  const runtime = k8sRuntime(server, image, {
    id: `${runTag}-k8s`,
    readyTimeoutMs: 60_000,
    podStartTimeoutMs: 120_000,
    deleteTimeoutMs: 60_000,
    logger: createLogger((level, msg) => traceLog(`${level} ${msg}`), 'k8s'),
  });
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    runtime.dispose();
    await server.stop();
  };
  onCleanup('k8s test server (and its pod containers)', dispose);
  const logOf = (agentId: string) => `/workspace/${agentId}.jsonl`;
  const podContainers = async (pod: string) => docker.listContainers({ all: true, filters: { label: [server.dockerLabelFilter, `${LABEL_POD}=${pod}`] } });
  const podOf = (h: AgentHandle) => h.data.pod!;
  return {
    name: 'k8s',
    runtime,
    config: (agentId, kind, task) => {
      const c = fakeAgentConfig(agentId, { task, log: logOf(agentId) });
      return kind === 'fake' ? c : { ...c, customCommand: MINIMAL_AGENT };
    },
    delivered: async (h, task) => (await waitForPodMessages(runtime, h, 1, 10_000, logOf(h.agentId)).catch((): string[] => [])).includes(task),
    goneCheck: async (h) => async () => (await podContainers(podOf(h))).length === 0,
    cliTmux: {
      label: '`kubectl exec <pod> -- tmux …` process',
      run: async (h, argv) => {
        await runCli('kubectl', ['--kubeconfig', server.kubeconfigPath, '--context', server.contextName, '-n', h.data.namespace ?? 'tmux-agents', 'exec', podOf(h), '-c', h.data.container ?? 'agent', '--', ...argv]);
      },
    },
    memory: async (h) => {
      const [c] = await podContainers(podOf(h));
      return c ? containerMemory(c.Id, (await runtime.getTmux(h).paneState(h.sessionName)).pid) : undefined;
    },
    dispose,
  };
}
