// The persistent workspace: a PersistentVolumeClaim per agent when a storage class (or a
// size) is set, deleted with the agent unless the runtime keeps it, reused by a new agent
// with the same id when kept.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sRuntime } from '../../../src/runtimes/k8s/k8sRuntime';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { kubectl, kubectlOk, leftovers } from '../k8s-server/helpers.ts';
import { docker, fakeAgentConfig, fakeAgentImage, k8sRuntime, readPodFile } from './k8sHarness';

const NS = 'tmux-agents';
let server: K8sTestServer;
let image: string;
const runtimes: K8sRuntime[] = [];

before(async () => {
  image = await fakeAgentImage();
  server = await startK8sTestServer();
});

after(async () => {
  for (const r of runtimes) r.dispose();
  if (!server) return;
  await server.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

function runtime(opts: Parameters<typeof k8sRuntime>[2]): K8sRuntime {
  const r = k8sRuntime(server, image, opts);
  runtimes.push(r);
  return r;
}

async function claimVolumes(): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [server.dockerLabelFilter, 'tmux-agents-k8s-test.volume-kind=persistentvolumeclaim'] } });
  return (Volumes ?? []).map((v) => v.Name);
}

async function claimExists(name: string): Promise<boolean> {
  return (await kubectl(server.kubeconfigPath, ['get', 'pvc', '-n', NS, name])).code === 0;
}

describe('K8sRuntime persistent workspace', () => {
  test('a claim per agent at /workspace, writable by the agent, deleted with it', async () => {
    const rt = runtime({ storageClassName: 'standard', volumeSize: '1Gi' });
    const h = await rt.spawnAgent(fakeAgentConfig('vol-1'));
    assert.equal(h.data.claim, 'tmux-agents-k8s-test-vol-1-workspace');
    const pvc = JSON.parse(await kubectlOk(server.kubeconfigPath, ['get', 'pvc', '-n', NS, h.data.claim!, '-o', 'json']));
    assert.equal(pvc.status.phase, 'Bound');
    assert.equal(pvc.spec.storageClassName, 'standard');
    assert.deepEqual(pvc.spec.resources.requests, { storage: '1Gi' });
    assert.equal(pvc.metadata.labels['tmux-agents.agent-id'], 'vol-1');
    const pod = JSON.parse(await kubectlOk(server.kubeconfigPath, ['get', 'pod', '-n', NS, h.data.pod!, '-o', 'json']));
    assert.deepEqual(pod.spec.volumes[0], { name: 'workspace', persistentVolumeClaim: { claimName: h.data.claim } });
    const w = await rt.getTmux(h).executor.exec(['sh', '-c', 'echo kept > /workspace/note.txt']);
    assert.equal(w.exitCode, 0, w.stderr);
    assert.equal((await claimVolumes()).length, 1);
    await rt.killAgent(h);
    assert.equal(await claimExists(h.data.claim!), false);
    assert.deepEqual(await claimVolumes(), []);
  });

  test('keepVolume: the claim outlives the agent and a new agent with the same id gets its files back', async () => {
    const keep = runtime({ volumeSize: '1Gi', keepVolume: true });
    const first = await keep.spawnAgent(fakeAgentConfig('vol-2'));
    assert.equal((await keep.getTmux(first).executor.exec(['sh', '-c', 'echo from-first-agent > /workspace/note.txt'])).exitCode, 0);
    await keep.killAgent(first);
    assert.equal(await claimExists(first.data.claim!), true, 'kept');
    const second = await keep.spawnAgent(fakeAgentConfig('vol-2'));
    assert.equal(await readPodFile(keep, second, '/workspace/note.txt'), 'from-first-agent\n');
    // A runtime that does not keep volumes deletes it with the agent.
    const drop = runtime({ volumeSize: '1Gi' });
    const found = (await drop.listAgents()).find((a) => a.handle.agentId === 'vol-2');
    assert.ok(found);
    await drop.killAgent(found.handle);
    assert.equal(await claimExists(first.data.claim!), false);
    assert.deepEqual(await claimVolumes(), []);
  });

  test('a failed spawn deletes the claim it created', async () => {
    const rt = runtime({ volumeSize: '1Gi', image: 'tmux-agents-missing:nope' });
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('vol-3')), (e: unknown) => (e as { code?: string }).code === 'image-not-found');
    assert.equal(await claimExists('tmux-agents-k8s-test-vol-3-workspace'), false);
    assert.deepEqual(await claimVolumes(), []);
  });
});
