// Fidelity of the k8s test server, judged by @kubernetes/client-node 1.4 (what the
// K8sRuntime uses): kubeconfig over verified TLS, CoreV1Api CRUD and errors, Watch, and
// Exec with a byte-exact stdin -> stdout round trip and exit codes on the status channel.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { leftovers, tmuxPod, waitFor } from './helpers.ts';

const T = { timeout: 90_000 };
let server: K8sTestServer;
let kc: k8s.KubeConfig;
let core: k8s.CoreV1Api;
const NS = 'client-node-tests';

before(async () => {
  server = await startK8sTestServer();
  kc = new k8s.KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  core = kc.makeApiClient(k8s.CoreV1Api);
});

after(async () => {
  await server?.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

function apiError(err: unknown): { code: number; body: k8s.V1Status } {
  assert.ok(err instanceof k8s.ApiException, `expected ApiException, got ${String(err)}`);
  const e = err as k8s.ApiException<unknown>;
  return { code: e.code, body: (typeof e.body === 'string' ? JSON.parse(e.body) : e.body) as k8s.V1Status };
}

async function runningPod(name: string, labels: Record<string, string> = {}): Promise<k8s.V1Pod> {
  await core.createNamespacedPod({ namespace: NS, body: tmuxPod(name, labels) as k8s.V1Pod });
  return waitFor(`pod ${name} Running`, async () => {
    const pod = await core.readNamespacedPod({ namespace: NS, name });
    return pod.status?.phase === 'Running' ? pod : undefined;
  });
}

/** Runs a command through client-node's Exec; resolves when the WebSocket closes. */
async function exec(pod: string, command: string[], stdinData?: Buffer): Promise<{ stdout: Buffer; stderr: Buffer; status: k8s.V1Status | undefined }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        into.push(Buffer.from(chunk));
        cb();
      },
    });
  let status: k8s.V1Status | undefined;
  const stdin = stdinData ? new PassThrough() : null;
  const ws = await new k8s.Exec(kc).exec(NS, pod, 'agent', command, sink(out), sink(err), stdin, false, (s) => {
    status = s;
  });
  const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
  if (stdin && stdinData) {
    // In pieces, as a real producer writes, then EOF (the v5 close-stdin signal).
    for (let i = 0; i < stdinData.length; i += 65536) stdin.write(stdinData.subarray(i, i + 65536));
    stdin.end();
  }
  await closed;
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), status };
}

test('namespaces: create, read, conflict, forbidden toggle', T, async () => {
  const created = await core.createNamespace({ body: { metadata: { name: NS, labels: { team: 'agents' } } } });
  assert.equal(created.metadata?.name, NS);
  assert.equal(created.status?.phase, 'Active');
  assert.equal(created.metadata?.labels?.['kubernetes.io/metadata.name'], NS);
  const conflict = await core.createNamespace({ body: { metadata: { name: NS } } }).catch(apiError);
  assert.equal((conflict as { code: number }).code, 409);
  assert.equal((conflict as { body: k8s.V1Status }).body.reason, 'AlreadyExists');

  server.setNamespaceCreateForbidden(true);
  try {
    const denied = apiError(await core.createNamespace({ body: { metadata: { name: 'other' } } }).then(() => undefined, (e: unknown) => e));
    assert.equal(denied.code, 403);
    assert.equal(denied.body.reason, 'Forbidden');
    assert.match(denied.body.message ?? '', /^namespaces is forbidden: User ".+" cannot create resource "namespaces" in API group "" at the cluster scope$/);
  } finally {
    server.setNamespaceCreateForbidden(false);
  }
  const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
  assert.ok(names.includes(NS) && names.includes('default'));
});

test('pods: create, read, list by label, 404 and 422 as ApiException', T, async () => {
  const pod = await runningPod('cn-1', { app: 'agent', run: 'one' });
  assert.equal(pod.kind, 'Pod');
  assert.equal(pod.spec?.nodeName, server.nodeName);
  assert.equal(pod.status?.containerStatuses?.[0].ready, true);
  assert.ok(pod.status?.containerStatuses?.[0].state?.running?.startedAt instanceof Date);
  assert.ok(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));

  const listed = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=agent,run in (one,two)' });
  assert.deepEqual(listed.items.map((p) => p.metadata?.name), ['cn-1']);
  assert.match(listed.metadata?.resourceVersion ?? '', /^\d+$/);
  assert.equal((await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=other' })).items.length, 0);

  const missing = apiError(await core.readNamespacedPod({ namespace: NS, name: 'nope' }).then(() => undefined, (e: unknown) => e));
  assert.equal(missing.code, 404);
  assert.deepEqual(missing.body, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "nope" not found',
    reason: 'NotFound',
    details: { name: 'nope', kind: 'pods' },
    code: 404,
  });
  const invalid = apiError(
    await core.createNamespacedPod({ namespace: NS, body: tmuxPod('ok', { 'x/y/z': 'v' }) as k8s.V1Pod }).then(() => undefined, (e: unknown) => e),
  );
  assert.equal(invalid.code, 422);
  assert.equal(invalid.body.reason, 'Invalid');
  assert.equal(invalid.body.details?.causes?.[0].field, 'metadata.labels');
  await core.deleteNamespacedPod({ namespace: NS, name: 'cn-1', gracePeriodSeconds: 0 });
});

test('watch: ADDED, MODIFIED to Running, DELETED; selector filtering; resume from resourceVersion', T, async () => {
  const seen: string[] = [];
  let doneErr: unknown = 'not done';
  const watch = new k8s.Watch(kc);
  const controller = await watch.watch(
    `/api/v1/namespaces/${NS}/pods`,
    { labelSelector: 'watch=yes' },
    (type, obj: k8s.V1Pod) => seen.push(`${type} ${obj.metadata?.name} ${obj.status?.phase}${obj.metadata?.deletionTimestamp ? ' terminating' : ''}`),
    (err) => {
      doneErr = err;
    },
  );
  const startRv = (await core.listNamespacedPod({ namespace: NS })).metadata?.resourceVersion;
  await core.createNamespacedPod({ namespace: NS, body: tmuxPod('unwatched') as k8s.V1Pod });
  await runningPod('watched', { watch: 'yes' });
  await waitFor('MODIFIED Running', () => (seen.some((s) => s === 'MODIFIED watched Running') ? true : undefined));
  await core.deleteNamespacedPod({ namespace: NS, name: 'watched', gracePeriodSeconds: 1 });
  await waitFor('DELETED', () => (seen.some((s) => s.startsWith('DELETED watched')) ? true : undefined));
  controller.abort();
  assert.equal(seen[0], 'ADDED watched Pending');
  assert.ok(seen.every((s) => s.includes(' watched ')), `unexpected events: ${seen.join('; ')}`);
  assert.ok(seen.some((s) => s === 'MODIFIED watched Running terminating'), seen.join('; '));

  // Resuming from the list's resourceVersion replays what happened since, in order.
  const replay: string[] = [];
  const replayController = await new k8s.Watch(kc).watch(
    `/api/v1/namespaces/${NS}/pods`,
    { resourceVersion: startRv, labelSelector: 'watch=yes' },
    (type, obj: k8s.V1Pod) => replay.push(`${type} ${obj.metadata?.name}`),
    () => undefined,
  );
  await waitFor('replayed DELETED', () => (replay.includes('DELETED watched') ? true : undefined));
  replayController.abort();
  assert.equal(replay[0], 'ADDED watched');

  // timeoutSeconds: the server ends the watch and the client's done callback runs.
  const started = Date.now();
  const ended = new Promise<unknown>((resolve) => {
    void new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/pods`, { timeoutSeconds: 1 }, () => undefined, resolve);
  });
  assert.equal(await ended, null);
  assert.ok(Date.now() - started >= 900);
  assert.notEqual(doneErr, 'not done');
  await core.deleteNamespacedPod({ namespace: NS, name: 'unwatched', gracePeriodSeconds: 0 });
});

test('exec: byte-exact stdin round trip, stderr, exit codes, v5 subprotocol', T, async () => {
  await runningPod('ex-1');
  const text = Buffer.from('plain ascii\nünïcödé ✓ 😀\r\n\ttabs and "quotes" $(not run)\n');
  const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const big = randomBytes(3 * 1024 * 1024);
  const payload = Buffer.concat([text, allBytes, big, text]);
  const echoed = await exec('ex-1', ['cat'], payload);
  assert.equal(echoed.stdout.length, payload.length);
  assert.equal(createHash('sha256').update(echoed.stdout).digest('hex'), createHash('sha256').update(payload).digest('hex'));
  assert.equal(echoed.status?.status, 'Success');

  const mixed = await exec('ex-1', ['sh', '-c', 'printf out; printf err >&2; exit 7']);
  assert.equal(mixed.stdout.toString(), 'out');
  assert.equal(mixed.stderr.toString(), 'err');
  assert.equal(mixed.status?.status, 'Failure');
  assert.equal(mixed.status?.reason, 'NonZeroExitCode');
  assert.deepEqual(mixed.status?.details?.causes, [{ reason: 'ExitCode', message: '7' }]);

  const tmux = await exec('ex-1', ['tmux', 'list-sessions', '-F', '#{session_name}']);
  assert.equal(tmux.stdout.toString(), 'S\n');

  const missingCommand = await exec('ex-1', ['no-such-binary-here']);
  assert.equal(missingCommand.status?.status, 'Failure');
  // Docker's runtime reports a missing binary as exit code 126, which travels as such.
  assert.deepEqual(missingCommand.status?.details?.causes, [{ reason: 'ExitCode', message: '126' }]);
  assert.match(missingCommand.stdout.toString(), /executable file not found/);

  const execs = server.requests().filter((r) => r.path.endsWith('/exec') && r.status === 101);
  assert.ok(execs.length >= 4);
  for (const r of execs) {
    assert.deepEqual(r.offeredProtocols, ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
    assert.equal(r.protocol, 'v5.channel.k8s.io');
  }
  await core.deleteNamespacedPod({ namespace: NS, name: 'ex-1', gracePeriodSeconds: 0 });
});

test('events, resource quotas and pod logs through CoreV1Api', T, async () => {
  await waitFor('earlier pods gone', async () => ((await core.listNamespacedPod({ namespace: NS })).items.length === 0 ? true : undefined));
  server.setQuota(NS, { pods: '10', 'limits.memory': '4Gi' });
  try {
    const quotas = await core.listNamespacedResourceQuota({ namespace: NS });
    assert.equal(quotas.items.length, 1);
    assert.deepEqual(quotas.items[0].spec?.hard, { pods: '10', 'limits.memory': '4Gi' });
    assert.deepEqual(quotas.items[0].status?.used, { pods: '0', 'limits.memory': '0' });
  } finally {
    server.setQuota(NS, null);
  }
  await runningPod('ev-1');
  const events = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=ev-1' });
  assert.deepEqual(events.items.map((e) => e.reason), ['Scheduled', 'Pulled', 'Created', 'Started']);
  assert.ok(events.items.every((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === 'ev-1'));
  const log = await core.readNamespacedPodLog({ namespace: NS, name: 'ev-1', container: 'agent', tailLines: 1 });
  assert.equal(log, 'started\n');
  await core.deleteNamespacedPod({ namespace: NS, name: 'ev-1' });
  await waitFor('ev-1 gone', async () => ((await core.listNamespacedPod({ namespace: NS })).items.some((p) => p.metadata?.name === 'ev-1') ? undefined : true));
  const killing = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.name=ev-1,reason=Killing' });
  assert.equal(killing.items[0]?.message, 'Stopping container agent');
});

test('paging with limit/continue, nodeSelector scheduling, 410 for a too old resourceVersion', T, async () => {
  for (const name of ['pg-a', 'pg-b', 'pg-c']) await core.createNamespacedPod({ namespace: NS, body: tmuxPod(name, { page: 'yes' }) as k8s.V1Pod });
  const first = await core.listNamespacedPod({ namespace: NS, labelSelector: 'page=yes', limit: 2 });
  assert.deepEqual(first.items.map((p) => p.metadata?.name), ['pg-a', 'pg-b']);
  assert.equal(first.metadata?.remainingItemCount, 1);
  const second = await core.listNamespacedPod({ namespace: NS, labelSelector: 'page=yes', limit: 2, _continue: first.metadata?._continue });
  assert.deepEqual(second.items.map((p) => p.metadata?.name), ['pg-c']);
  assert.equal(second.metadata?._continue, undefined);

  const picky = tmuxPod('picky') as k8s.V1Pod;
  picky.spec!.nodeSelector = { 'disktype': 'ssd' };
  await core.createNamespacedPod({ namespace: NS, body: picky });
  const pending = await waitFor('Unschedulable', async () => {
    const p = await core.readNamespacedPod({ namespace: NS, name: 'picky' });
    return p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable') ? p : undefined;
  });
  assert.equal(pending.status?.phase, 'Pending');
  assert.equal(pending.spec?.nodeName, undefined);
  const failed = await core.listNamespacedEvent({ namespace: NS, fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=picky' });
  assert.match(failed.items[0]?.message ?? '', /^0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\./);

  const errors: { code?: number; reason?: string }[] = [];
  const ended = new Promise<void>((resolve) => {
    void new k8s.Watch(kc).watch(`/api/v1/namespaces/${NS}/pods`, { resourceVersion: '1', allowWatchBookmarks: true }, (type, obj: { code?: number; reason?: string }) => {
      if (type === 'ERROR') errors.push(obj);
    }, () => resolve());
  });
  await ended;
  assert.deepEqual(errors.map((e) => [e.code, e.reason]), [[410, 'Expired']]);
  for (const name of ['pg-a', 'pg-b', 'pg-c', 'picky']) await core.deleteNamespacedPod({ namespace: NS, name, gracePeriodSeconds: 0 });
});

test('deleting the namespace removes its pods and then itself', T, async () => {
  await runningPod('ns-1');
  await core.deleteNamespace({ name: NS });
  const terminating = await core.readNamespace({ name: NS });
  assert.equal(terminating.status?.phase, 'Terminating');
  const refused = apiError(await core.createNamespacedPod({ namespace: NS, body: tmuxPod('late') as k8s.V1Pod }).then(() => undefined, (e: unknown) => e));
  assert.equal(refused.code, 403);
  assert.match(refused.body.message ?? '', /unable to create new content in namespace client-node-tests because it is being terminated/);
  await waitFor('namespace gone', async () => {
    const gone = await core.readNamespace({ name: NS }).then(() => false, (e: unknown) => apiError(e).code === 404);
    return gone ? true : undefined;
  });
  assert.deepEqual((await leftovers(server.dockerLabelFilter)).containers, []);
});
