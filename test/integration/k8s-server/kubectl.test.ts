// Fidelity of the k8s test server, judged by the real kubectl 1.32: discovery, get with
// selectors, create, logs, exec (plain, byte-exact, exit codes, interactive TTY in a real
// pty), delete, and the error answers the runtime depends on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { KUBECTL, httpsGet, kubectl, kubectlOk, leftovers, tmuxPod, waitFor } from './helpers.ts';

const T = { timeout: 90_000 };
let server: K8sTestServer;
let kc: string;
const NS = 'kubectl-tests';

before(async () => {
  server = await startK8sTestServer({ namespaces: [NS] });
  kc = server.kubeconfigPath;
});

after(async () => {
  await server?.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

async function createPod(manifest: Record<string, unknown>, ns = NS): Promise<void> {
  await kubectlOk(kc, ['create', '--validate=false', '-n', ns, '-f', '-'], JSON.stringify(manifest));
}

async function waitRunning(name: string, ns = NS): Promise<void> {
  await waitFor(`pod ${name} Running`, async () => {
    const phase = await kubectlOk(kc, ['get', 'pod', name, '-n', ns, '-o', 'jsonpath={.status.phase}']);
    if (phase === 'Failed' || phase === 'Succeeded') throw new Error(`pod ${name} ended: ${phase}`);
    return phase === 'Running' ? true : undefined;
  });
}

test('kubectl lists namespaces, and the kubeconfig context is current', T, async () => {
  const out = await kubectlOk(kc, ['get', 'ns']);
  assert.match(out, /^NAME\s+STATUS\s+AGE/m);
  assert.match(out, /^default\s+Active\s/m);
  assert.match(out, new RegExp(`^${NS}\\s+Active\\s`, 'm'));
  assert.equal((await kubectlOk(kc, ['config', 'current-context'])).trim(), 'tmux-agents-test');
  const version = JSON.parse(await kubectlOk(kc, ['version', '-o', 'json'])) as { serverVersion: { minor: string } };
  assert.equal(version.serverVersion.minor, '32');
});

test('requests without the bearer token are refused with 401', T, async () => {
  const noToken = await httpsGet(server, '/api/v1/namespaces');
  assert.equal(noToken.status, 401);
  assert.deepEqual(JSON.parse(noToken.body), {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Unauthorized',
    reason: 'Unauthorized',
    code: 401,
  });
  assert.equal((await httpsGet(server, '/api/v1/namespaces', server.token)).status, 200);
  const r = await kubectl(kc, ['get', 'ns', '--token', 'wrong-token']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /You must be logged in to the server \(Unauthorized\)/);
});

test('create, get with label selector as JSON, logs, exec, delete', T, async () => {
  await createPod(tmuxPod('web-1', { app: 'x', tier: 'a' }));
  await createPod(tmuxPod('web-2', { app: 'y' }));
  await waitRunning('web-1');
  await waitRunning('web-2');

  const list = JSON.parse(await kubectlOk(kc, ['get', 'pods', '-n', NS, '-l', 'app=x', '-o', 'json'])) as {
    kind: string;
    items: { metadata: { name: string; uid: string; resourceVersion: string; creationTimestamp: string; labels: Record<string, string> }; status: { phase: string; podIP: string; containerStatuses: { state: { running?: { startedAt: string } } }[] } }[];
  };
  assert.equal(list.kind, 'List');
  assert.deepEqual(list.items.map((p) => p.metadata.name), ['web-1']);
  const pod = list.items[0];
  assert.match(pod.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(pod.metadata.resourceVersion, /^\d+$/);
  assert.match(pod.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(pod.status.phase, 'Running');
  assert.match(pod.status.podIP, /^\d+\.\d+\.\d+\.\d+$/);
  assert.ok(pod.status.containerStatuses[0].state.running?.startedAt);

  const names = async (selector: string): Promise<string> =>
    (await kubectlOk(kc, ['get', 'pods', '-n', NS, '-l', selector, '-o', 'jsonpath={.items[*].metadata.name}'])).trim();
  assert.equal(await names('app!=x'), 'web-2');
  assert.equal(await names('app in (x,y)'), 'web-1 web-2');
  assert.equal(await names('tier'), 'web-1');
  assert.equal(await names('!tier'), 'web-2');
  const byField = await kubectlOk(kc, ['get', 'pods', '-n', NS, '--field-selector', 'metadata.name=web-2', '-o', 'name']);
  assert.equal(byField.trim(), 'pod/web-2');

  assert.equal(await kubectlOk(kc, ['logs', '-n', NS, 'web-1']), 'started\n');

  const version = await kubectlOk(kc, ['exec', '-n', NS, 'web-1', '--', 'tmux', '-V']);
  assert.match(version, /^tmux \d+\.\d+/);

  const value = 'a b\t"c" $d ü€😀 \\n end';
  const printed = await kubectl(kc, ['exec', '-n', NS, 'web-1', '--', 'sh', '-c', 'printf %s "$0"', value]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(printed.stdout, Buffer.from(value, 'utf8'));

  const stdinBytes = Buffer.concat([Buffer.from('line1\n€ünï\n'), Buffer.from([0, 1, 2, 250, 255, 10])]);
  const echoed = await kubectl(kc, ['exec', '-i', '-n', NS, 'web-1', '--', 'cat'], stdinBytes);
  assert.equal(echoed.code, 0, echoed.stderr);
  assert.deepEqual(echoed.stdout, stdinBytes);

  const failing = await kubectl(kc, ['exec', '-n', NS, 'web-1', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(failing.code, 3);
  assert.equal(failing.stdout.toString(), 'out\n');
  assert.match(failing.stderr, /^err\n/);

  // kubectl 1.32 speaks WebSockets with the v5 channel protocol only; no SPDY fallback happened.
  const execs = server.requests().filter((r) => r.path.endsWith('/exec'));
  assert.ok(execs.length >= 4);
  for (const r of execs) {
    assert.equal(r.method, 'GET');
    assert.deepEqual(r.offeredProtocols, ['v5.channel.k8s.io']);
    assert.equal(r.protocol, 'v5.channel.k8s.io');
    assert.equal(r.status, 101);
  }

  await kubectlOk(kc, ['label', 'pod', '-n', NS, 'web-2', 'extra=yes']);
  await kubectlOk(kc, ['annotate', 'pod', '-n', NS, 'web-2', 'note=hello world']);
  assert.equal(await names('extra=yes'), 'web-2');
  assert.equal(await kubectlOk(kc, ['get', 'pod', '-n', NS, 'web-2', '-o', 'jsonpath={.metadata.annotations.note}']), 'hello world');

  const deleted = await kubectlOk(kc, ['delete', 'pod', '-n', NS, 'web-1', 'web-2']);
  assert.match(deleted, /pod "web-1" deleted/);
  const after = await kubectl(kc, ['get', 'pod', '-n', NS, 'web-1']);
  assert.notEqual(after.code, 0);
  assert.match(after.stderr, /pods "web-1" not found/);
  assert.deepEqual((await leftovers(server.dockerLabelFilter)).containers, []);
});

test('kubectl exec -it attaches to tmux inside the pod through a real pty', T, async () => {
  await createPod(tmuxPod('tty-1'));
  await waitRunning('tty-1');
  await kubectlOk(kc, ['exec', '-n', NS, 'tty-1', '--', 'tmux', 'send-keys', '-t', 'S', 'echo marker-$((6*7))', 'Enter']);
  const socket = `k8s-pty-${process.pid}`;
  const tmux = (...args: string[]): string => {
    const r = spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const cmd = `${KUBECTL} --kubeconfig ${kc} exec -it -n ${NS} tty-1 -- tmux attach -t S`;
  tmux('new-session', '-d', '-x', '120', '-y', '40', cmd);
  try {
    const screen = await waitFor('attached tmux screen', () => {
      const text = tmux('capture-pane', '-p');
      return /marker-42/.test(text) && /\[S\] 0:/.test(text) ? text : undefined;
    });
    assert.match(screen, /^marker-42$/m);
    // The resize from the pty reached the exec: the inner client is 120x40.
    const clients = await kubectlOk(kc, ['exec', '-n', NS, 'tty-1', '--', 'tmux', 'list-clients', '-F', '#{client_width}x#{client_height}']);
    assert.equal(clients.trim(), '120x40');
    // Typing goes through stdin of the exec into the pod's tmux.
    tmux('send-keys', 'echo typed-$((7*6))z', 'Enter');
    await waitFor('typed text inside the pod', async () => {
      const pane = await kubectlOk(kc, ['exec', '-n', NS, 'tty-1', '--', 'tmux', 'capture-pane', '-p', '-t', 'S']);
      return /^typed-42z$/m.test(pane) ? true : undefined;
    });
    // Detaching ends tmux attach, so kubectl exits and the outer session closes with it.
    tmux('send-keys', 'C-b', 'd');
    await waitFor('kubectl to exit after detach', () =>
      spawnSync('tmux', ['-L', socket, 'has-session']).status !== 0 ? true : undefined,
    );
    const left = await kubectlOk(kc, ['exec', '-n', NS, 'tty-1', '--', 'tmux', 'list-clients']);
    assert.equal(left, '');
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  }
  await kubectlOk(kc, ['delete', 'pod', '-n', NS, 'tty-1']);
});

test('errors: invalid name 422, duplicate 409, missing 404, forbidden namespace create 403', T, async () => {
  const bad = await kubectl(kc, ['create', '--validate=false', '-n', NS, '-f', '-'], JSON.stringify(tmuxPod('Bad_Name')));
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);

  const badLabel = await kubectl(kc, ['create', '--validate=false', '-n', NS, '-f', '-'], JSON.stringify(tmuxPod('ok-name', { 'bad key': 'v' })));
  assert.match(badLabel.stderr, /metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters/);

  const missing = await kubectl(kc, ['get', 'pod', '-n', NS, 'nope']);
  assert.match(missing.stderr, /Error from server \(NotFound\): pods "nope" not found/);

  await kubectlOk(kc, ['create', 'namespace', 'dup-ns']);
  const dup = await kubectl(kc, ['create', 'namespace', 'dup-ns']);
  assert.match(dup.stderr, /Error from server \(AlreadyExists\): namespaces "dup-ns" already exists/);

  server.setNamespaceCreateForbidden(true);
  try {
    const denied = await kubectl(kc, ['create', 'namespace', 'not-allowed']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Error from server \(Forbidden\): namespaces is forbidden: User "tmux-agents-test" cannot create resource "namespaces" in API group "" at the cluster scope/);
  } finally {
    server.setNamespaceCreateForbidden(false);
  }
  await kubectlOk(kc, ['delete', 'namespace', 'dup-ns']);
  await waitFor('namespace dup-ns gone', async () => ((await kubectl(kc, ['get', 'ns', 'dup-ns'])).code !== 0 ? true : undefined));
});

test('quota: over-limit pods are refused with the real exceeded-quota message', T, async () => {
  server.setQuota(NS, { 'limits.memory': '1Gi', 'limits.cpu': '2', pods: '5' });
  try {
    const withLimits = (name: string, memory: string): Record<string, unknown> =>
      tmuxPod(name, {}, { resources: { limits: { memory, cpu: '500m' } } });
    await createPod(withLimits('q-1', '768Mi'));
    const refused = await kubectl(kc, ['create', '--validate=false', '-n', NS, '-f', '-'], JSON.stringify(withLimits('q-2', '512Mi')));
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /Error from server \(Forbidden\): error when creating "STDIN": pods "q-2" is forbidden: exceeded quota: compute-resources, requested: limits.memory=512Mi, used: limits.memory=768Mi, limited: limits.memory=1Gi/,
    );
    const noLimits = await kubectl(kc, ['create', '--validate=false', '-n', NS, '-f', '-'], JSON.stringify(tmuxPod('q-3')));
    assert.match(noLimits.stderr, /pods "q-3" is forbidden: failed quota: compute-resources: must specify limits.cpu for: agent; limits.memory for: agent/);
    const quota = JSON.parse(await kubectlOk(kc, ['get', 'resourcequota', 'compute-resources', '-n', NS, '-o', 'json'])) as {
      status: { used: Record<string, string>; hard: Record<string, string> };
    };
    assert.deepEqual(quota.status.used, { 'limits.memory': '768Mi', 'limits.cpu': '500m', pods: '1' });
  } finally {
    server.setQuota(NS, null);
  }
  await kubectlOk(kc, ['delete', 'pod', '-n', NS, 'q-1']);
});

test('a missing image gives ErrImagePull then ImagePullBackOff, with Failed events', T, async () => {
  await createPod({ ...tmuxPod('noimg'), spec: { restartPolicy: 'Never', containers: [{ name: 'agent', image: 'tmux-agents-test/does-not-exist:1' }] } });
  const reason = await waitFor('ImagePullBackOff', async () => {
    const r = await kubectlOk(kc, ['get', 'pod', 'noimg', '-n', NS, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}']);
    return r === 'ImagePullBackOff' ? r : undefined;
  });
  assert.equal(reason, 'ImagePullBackOff');
  const events = await kubectlOk(kc, ['get', 'events', '-n', NS, '--field-selector', 'involvedObject.name=noimg', '-o', 'jsonpath={range .items[*]}{.type}/{.reason}: {.message}{"\\n"}{end}']);
  assert.match(events, /^Normal\/Scheduled: Successfully assigned kubectl-tests\/noimg to /m);
  assert.match(events, /^Warning\/Failed: Failed to pull image "tmux-agents-test\/does-not-exist:1": /m);
  assert.match(events, /^Warning\/Failed: Error: ErrImagePull$/m);
  assert.match(events, /^Normal\/BackOff: Back-off pulling image "tmux-agents-test\/does-not-exist:1"$/m);
  const logs = await kubectl(kc, ['logs', '-n', NS, 'noimg']);
  assert.match(logs.stderr, /container "agent" in pod "noimg" is waiting to start: ImagePullBackOff/);
  await kubectlOk(kc, ['delete', 'pod', '-n', NS, 'noimg']);
});
