// K8sExecExecutor against the test API server: exit codes, stdout/stderr, stdin byte-exact
// over both channel protocols (v5 closes stdin with a frame, v4 cannot), 127 for missing
// programs, timeouts that close the socket, and refusals (no pod, pod not running).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import { V4, V5 } from '../../../src/runtimes/k8s/channelSocket';
import { createK8sClients, type K8sClients } from '../../../src/runtimes/k8s/k8sClient';
import { K8sExecExecutor } from '../../../src/runtimes/k8s/k8sExecExecutor';
import type { K8sRuntime } from '../../../src/runtimes/k8s/k8sRuntime';
import { TRICKY_TASKS } from '../../support/fakeAgent';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { kubectlOk, leftovers } from '../k8s-server/helpers.ts';
import { fakeAgentConfig, fakeAgentImage, k8sRuntime, timed } from './k8sHarness';

let server: K8sTestServer;
let rt: K8sRuntime;
let handle: AgentHandle;
let clients: K8sClients;
const INPUT = Object.values(TRICKY_TASKS).join('\u0000-separator-\u0001') + '\r\n\u001b[201~ end';

before(async () => {
  const image = await fakeAgentImage();
  server = await startK8sTestServer();
  rt = k8sRuntime(server, image);
  handle = await rt.spawnAgent(fakeAgentConfig('exec-1'));
  clients = await createK8sClients({ kubeconfigPath: server.kubeconfigPath, context: server.contextName, namespace: 'tmux-agents' });
});

after(async () => {
  if (handle) await rt.killAgent(handle).catch(() => undefined);
  rt?.dispose();
  if (!server) return;
  await server.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

function executor(protocols?: string[], pod = handle.data.pod!): K8sExecExecutor {
  return new K8sExecExecutor(async () => clients, { namespace: 'tmux-agents', pod, container: 'agent' }, 'tmux-agents-test', { protocols });
}

function lastExec() {
  return server.requests().filter((r) => r.path.endsWith('/exec')).at(-1);
}

describe('K8sExecExecutor', () => {
  for (const [name, protocols] of [['v5', [V5]], ['v4', [V4]], ['default offer', undefined]] as const) {
    test(`${name}: stdin byte-exact (NUL, ESC, CR, unicode, 10 KiB), stdout and stderr apart, the exit code`, async () => {
      const ex = executor(protocols ? [...protocols] : undefined);
      // The first exec teaches the executor the protocol; v4 input then goes through `head -c`.
      const first = await ex.exec(['sh', '-c', 'cat; echo to-stderr >&2; exit 5'], { input: INPUT, timeoutMs: 10_000 });
      assert.equal(first.exitCode, 5);
      assert.equal(first.stdout, INPUT);
      assert.equal(first.stderr, 'to-stderr\n');
      assert.equal(lastExec()?.protocol, protocols ? protocols[0] : V5);
      const again = await ex.exec(['cat'], { input: INPUT, timeoutMs: 10_000 });
      assert.deepEqual(again, { stdout: INPUT, stderr: '', exitCode: 0 });
      const empty = await ex.exec(['cat'], { input: '', timeoutMs: 10_000 });
      assert.deepEqual(empty, { stdout: '', stderr: '', exitCode: 0 });
    });
  }

  test('exit codes, no stdin, and a missing program is 127', async () => {
    const ex = executor();
    assert.deepEqual(await ex.exec(['true']), { stdout: '', stderr: '', exitCode: 0 });
    assert.equal((await ex.exec(['sh', '-c', 'exit 42'])).exitCode, 42);
    const missing = await ex.exec(['no-such-program-xyz', 'arg']);
    assert.equal(missing.exitCode, 127);
    assert.match(missing.stderr, /executable file not found|not found/);
    const args = await ex.exec(['printf', '[%s]', 'a b', '$(x)', '', ';']);
    assert.equal(args.stdout, '[a b][$(x)][][;]');
  });

  test('a timeout rejects promptly and closes the socket; the next command works', async () => {
    const ex = executor();
    const [err, ms] = await timed(() => ex.exec(['sleep', '30'], { timeoutMs: 500 }).then(() => undefined, (e: unknown) => e));
    assert.ok(isTmuxAgentsError(err, 'timeout'), String(err));
    assert.match((err as Error).message, /"sleep 30" in pod tmux-agents\/tmux-agents-k8s-test-exec-1 \(context "tmux-agents-test"\) did not finish within 500 ms/);
    assert.ok(ms < 2_000, `${ms} ms`);
    assert.equal((await ex.exec(['echo', 'ok'])).stdout, 'ok\n');
  });

  test('refusals: a pod that does not exist, a pod that is not running', async () => {
    await assert.rejects(executor(undefined, 'no-such-pod').exec(['true']), (e: unknown) => isTmuxAgentsError(e, 'agent-not-found') && /Pod no-such-pod no longer exists in namespace tmux-agents/.test((e as Error).message));
    // A pod whose container has exited (restartPolicy Never): exec is refused with 400.
    const done = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'done-1' }, spec: { restartPolicy: 'Never', containers: [{ name: 'agent', image: 'tmux-agents-base:latest', command: ['true'] }] } };
    await kubectlOk(server.kubeconfigPath, ['create', '--validate=false', '-n', 'tmux-agents', '-f', '-'], JSON.stringify(done));
    const { waitFor } = await import('../k8s-server/helpers.ts');
    await waitFor('pod done-1 to finish', async () => ((await kubectlOk(server.kubeconfigPath, ['get', 'pod', 'done-1', '-n', 'tmux-agents', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded' ? true : undefined));
    await assert.rejects(executor(undefined, 'done-1').exec(['tmux', 'ls']), (e: unknown) => isTmuxAgentsError(e, 'tmux-no-server') && /No tmux server is running in pod tmux-agents\/done-1/.test((e as Error).message));
    await kubectlOk(server.kubeconfigPath, ['delete', 'pod', 'done-1', '-n', 'tmux-agents']);
  });
});
