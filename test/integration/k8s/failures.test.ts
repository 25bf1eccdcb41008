// What users see when the cluster says no, and that a failed spawn leaves nothing behind:
// quota refusals, a namespace they may not create, an image the nodes cannot pull, a CLI
// that never gets ready, an unreachable or unauthenticated cluster, bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isTmuxAgentsError, type TmuxAgentsError } from '../../../src/core/errors';
import type { K8sRuntime } from '../../../src/runtimes/k8s/k8sRuntime';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { kubectlOk, leftovers } from '../k8s-server/helpers.ts';
import { eventually, fakeAgentConfig, fakeAgentImage, k8sRuntime, podContainers } from './k8sHarness';

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

function runtime(opts: Parameters<typeof k8sRuntime>[2] = {}): K8sRuntime {
  const r = k8sRuntime(server, image, opts);
  runtimes.push(r);
  return r;
}

/** Pods (any) in a namespace, through kubectl. */
async function podsIn(ns: string): Promise<string[]> {
  return (await kubectlOk(server.kubeconfigPath, ['get', 'pods', '-n', ns, '-o', 'name'])).split('\n').filter(Boolean);
}

function rejectsWith(code: TmuxAgentsError['code'], ...patterns: RegExp[]) {
  return (e: unknown) => {
    assert.ok(isTmuxAgentsError(e, code), `expected ${code}, got ${(e as { code?: string }).code}: ${(e as Error).message}`);
    const text = `${(e as Error).message}`;
    for (const p of patterns) assert.match(text, p);
    return true;
  };
}

/** A kubeconfig like the server's, changed by `edit` (wrong server, wrong token). */
function variantKubeconfig(name: string, edit: (cfg: { clusters: { cluster: { server: string } }[]; users: { user: { token: string } }[] }) => void): string {
  const cfg = JSON.parse(readFileSync(server.kubeconfigPath, 'utf8'));
  edit(cfg);
  const path = `${server.kubeconfigPath}-${name}`;
  writeFileSync(path, JSON.stringify(cfg), { mode: 0o600 });
  return path;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('K8sRuntime failures', () => {
  test('a resource quota refusal reports the API\'s reason and creates nothing', async () => {
    const ns = 'quota-ns';
    server.setQuota(ns, { 'limits.memory': '256Mi' }, 'agents-quota');
    try {
      const rt = runtime({ namespace: ns });
      await assert.rejects(
        rt.spawnAgent(fakeAgentConfig('quota-1')),
        rejectsWith('forbidden', /refused by a resource quota/, /exceeded quota: agents-quota, requested: limits\.memory=512Mi, used: limits\.memory=0, limited: limits\.memory=256Mi/, /namespace quota-ns \(context "tmux-agents-test"\)/),
      );
      assert.deepEqual(await podsIn(ns), []);
      // Within the quota the same runtime works.
      const small = await rt.spawnAgent({ ...fakeAgentConfig('quota-2'), resources: { memory: 200 * 1024 ** 2 } });
      await rt.killAgent(small);
    } finally {
      server.setQuota(ns, null, 'agents-quota');
    }
  });

  test('a namespace the user may not create: a clear forbidden error, nothing created; allowed, it is created', async () => {
    server.setNamespaceCreateForbidden(true);
    const rt = runtime({ namespace: 'not-there-yet' });
    try {
      await assert.rejects(
        rt.spawnAgent(fakeAgentConfig('ns-1')),
        (e: unknown) => rejectsWith('forbidden', /Namespace not-there-yet does not exist in context "tmux-agents-test", and your account may not create it: namespaces is forbidden: User "tmux-agents-test" cannot create resource "namespaces"/)(e) && /kubectl --context tmux-agents-test create namespace not-there-yet/.test((e as TmuxAgentsError).hint ?? ''),
      );
      const nsList = await kubectlOk(server.kubeconfigPath, ['get', 'ns', '-o', 'name']);
      assert.equal(nsList.includes('namespace/not-there-yet'), false);
    } finally {
      server.setNamespaceCreateForbidden(false);
    }
    const h = await rt.spawnAgent(fakeAgentConfig('ns-2'));
    assert.match(await kubectlOk(server.kubeconfigPath, ['get', 'ns', 'not-there-yet', '-o', 'name']), /namespace\/not-there-yet/);
    await rt.killAgent(h);
  });

  test('an image the nodes cannot pull: image-not-found with the pod\'s events; the pod is deleted', async () => {
    const rt = runtime({ image: 'tmux-agents-missing:nope' });
    await assert.rejects(
      rt.spawnAgent(fakeAgentConfig('noimg-1')),
      rejectsWith('image-not-found', /Pod tmux-agents-k8s-test-noimg-1 in namespace tmux-agents \(context "tmux-agents-test"\) cannot run: the image cannot be pulled \(ErrImagePull/, /Its events:\n/, /Warning Failed: Failed to pull image "tmux-agents-missing:nope"/, /Make the image tmux-agents-missing:nope pullable/),
    );
    assert.deepEqual(await podsIn('tmux-agents'), []);
    assert.deepEqual(await podContainers(server), []);
  });

  test('a CLI that never gets ready: the spawn times out with its screen and removes the pod', async () => {
    const rt = runtime({ readyTimeoutMs: 2_000 });
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('silent-1', { args: ['--no-prompt'] })), rejectsWith('timeout', /did not become ready within 2000 ms/, /Fake agent 1\.0/, /pod tmux-agents\/tmux-agents-k8s-test-silent-1/));
    assert.deepEqual(await podsIn('tmux-agents'), []);
    assert.deepEqual(await podContainers(server), []);
  });

  test('a duplicate agent id is refused and the first agent is untouched', async () => {
    const rt = runtime();
    const h = await rt.spawnAgent(fakeAgentConfig('dup-1'));
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('dup-1')), rejectsWith('agent-exists', /An agent "dup-1" already exists/));
    assert.equal((await rt.listAgents()).find((a) => a.handle.agentId === 'dup-1')?.status, 'running');
    await rt.killAgent(h);
  });

  test('cancelling a spawn (AbortSignal) removes what it created', async () => {
    const rt = runtime();
    const ac = new AbortController();
    const spawning = rt.spawnAgent(fakeAgentConfig('abort-1', { args: ['--ready-after', '20000'] }), ac.signal);
    await eventually('the pod to exist', async () => ((await podsIn('tmux-agents')).length ? true : undefined));
    ac.abort(new Error('user cancelled'));
    await assert.rejects(spawning, /user cancelled/);
    assert.deepEqual(await podsIn('tmux-agents'), []);
    assert.deepEqual(await podContainers(server), []);
  });

  test('bad input fails before any request reaches the cluster', async () => {
    const rt = runtime();
    const before = server.requests().length;
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('Bad_Id')), rejectsWith('invalid-input', /Invalid agent id "Bad_Id"/));
    await assert.rejects(rt.spawnAgent({ ...fakeAgentConfig('ok-1'), env: { 'NO-DASH': 'x' } }), rejectsWith('invalid-input', /NO-DASH/));
    await assert.rejects(rt.spawnAgent({ ...fakeAgentConfig('ok-1'), secretEnv: { 'BAD KEY': 'x' } }), rejectsWith('invalid-input', /BAD KEY/));
    await assert.rejects(rt.spawnAgent({ ...fakeAgentConfig('ok-1'), resources: { memory: 10 } }), rejectsWith('invalid-input', /at least 6 MiB/));
    await assert.rejects(rt.spawnAgent({ ...fakeAgentConfig('ok-1'), aiProvider: 'nope' }), rejectsWith('invalid-input', /Unknown AI provider "nope"/));
    await assert.rejects(rt.spawnAgent({ ...fakeAgentConfig('ok-1'), sessionName: 'bad;name' }), rejectsWith('invalid-input', /Invalid tmux session name/));
    assert.equal(server.requests().length, before);
  });

  test('an unreachable cluster: ping and spawn say which server and context, and what to do', async () => {
    const port = await closedPort();
    const rt = runtime({ kubeconfigPath: variantKubeconfig('closed', (c) => (c.clusters[0]!.cluster.server = `https://127.0.0.1:${port}`)) });
    const unreachable = rejectsWith('runtime-unreachable', new RegExp(`The Kubernetes API server https://127\\.0\\.0\\.1:${port} \\(context "tmux-agents-test"\\) is not reachable: .*ECONNREFUSED`), /kubectl --context tmux-agents-test get pods -n tmux-agents/);
    await assert.rejects(rt.ping(), unreachable);
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('far-1')), unreachable);
    await assert.rejects(rt.listAgents(), unreachable);
  });

  test('rejected credentials: auth-failed, with the context', async () => {
    const rt = runtime({ kubeconfigPath: variantKubeconfig('badtoken', (c) => (c.users[0]!.user.token = 'wrong')) });
    await assert.rejects(rt.ping(), rejectsWith('auth-failed', /Listing pods in namespace tmux-agents \(context "tmux-agents-test"\) failed: the API server rejected the credentials \(401 Unauthorized\)/));
  });

  test('ping: healthy against the server, whether or not the namespace exists', async () => {
    await runtime().ping();
    await runtime({ namespace: 'never-created' }).ping();
  });
});
