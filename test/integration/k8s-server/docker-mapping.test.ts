// How pod specs become Docker containers, checked from both sides: Docker's view
// (inspect) and the process's view inside the pod (id, cgroup limits, mounts). Also
// PersistentVolumeClaims as named volumes that outlive pods, and runAsNonRoot refusal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { TEST_IMAGE, docker, kubectl, kubectlOk, leftovers, waitFor } from './helpers.ts';

let server: K8sTestServer;
let kc: string;
const NS = 'mapping-tests';
const T = { timeout: 90_000 };

before(async () => {
  server = await startK8sTestServer({ namespaces: [NS] });
  kc = server.kubeconfigPath;
});

after(async () => {
  await server?.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

async function apply(manifest: Record<string, unknown>): Promise<void> {
  await kubectlOk(kc, ['create', '--validate=false', '-n', NS, '-f', '-'], JSON.stringify(manifest));
}

async function phase(name: string, want: string): Promise<void> {
  await waitFor(`pod ${name} ${want}`, async () => {
    const p = await kubectlOk(kc, ['get', 'pod', name, '-n', NS, '-o', 'jsonpath={.status.phase}']);
    return p === want ? true : undefined;
  });
}

async function inPod(pod: string, script: string): Promise<string> {
  return kubectlOk(kc, ['exec', '-n', NS, pod, '--', 'sh', '-c', script]);
}

async function containerOf(pod: string) {
  const [c] = await docker.listContainers({ all: true, filters: { label: [server.dockerLabelFilter, `tmux-agents-k8s-test.pod=${pod}`] } });
  assert.ok(c, `no container for pod ${pod}`);
  return docker.getContainer(c.Id).inspect();
}

test('claims: validation, Bound, backed by a labelled Docker volume', T, async () => {
  const bad = await kubectl(kc, ['create', '--validate=false', '-n', NS, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bad' }, spec: {} }));
  // kubectl lists the Status causes one per line, as it does for a real server's 422.
  assert.match(bad.stderr, /The PersistentVolumeClaim "bad" is invalid: \n\* spec.accessModes: Required value: at least 1 access mode is required\n\* spec.resources\[storage\]: Required value\n/);
  await apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'work' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  const claim = JSON.parse(await kubectlOk(kc, ['get', 'pvc', 'work', '-n', NS, '-o', 'json'])) as { status: { phase: string; capacity: { storage: string } }; metadata: { uid: string } };
  assert.equal(claim.status.phase, 'Bound');
  assert.equal(claim.status.capacity.storage, '1Gi');
  const volumes = await leftovers(server.dockerLabelFilter);
  assert.deepEqual(volumes.volumes, [`k8s-test-${server.instanceId}-pvc-${claim.metadata.uid}`]);
});

test('security context, resources, env, workingDir and volumes reach the container', T, async () => {
  await apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'sec-1', labels: { app: 'sec' } },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 3,
      securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 },
      volumes: [
        { name: 'scratch', emptyDir: {} },
        { name: 'tmp', emptyDir: { medium: 'Memory' } },
        { name: 'data', persistentVolumeClaim: { claimName: 'work' } },
      ],
      containers: [
        {
          name: 'agent',
          image: TEST_IMAGE,
          command: ['sh', '-c'],
          args: ['tmux new-session -d -s S; exec sleep 3600'],
          env: [{ name: 'GREETING', value: 'hi "there" $HOME' }],
          workingDir: '/scratch',
          resources: { limits: { memory: '300Mi', cpu: '1500m' } },
          securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            { name: 'scratch', mountPath: '/scratch' },
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'data', mountPath: '/data' },
          ],
        },
      ],
    },
  });
  await phase('sec-1', 'Running');

  const info = await containerOf('sec-1');
  assert.equal(info.HostConfig.Memory, 300 * 1024 * 1024);
  assert.equal(info.HostConfig.NanoCpus, 1_500_000_000);
  assert.equal(info.HostConfig.Init, true);
  assert.equal(info.HostConfig.ReadonlyRootfs, true);
  assert.deepEqual(info.HostConfig.SecurityOpt, ['no-new-privileges']);
  assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
  assert.deepEqual(info.HostConfig.GroupAdd, ['2000']);
  assert.equal(info.Config.User, '1000:1000');
  assert.equal(info.Config.WorkingDir, '/scratch');
  assert.ok(info.Config.Env.includes('GREETING=hi "there" $HOME'));
  assert.ok(info.Config.Env.includes('HOSTNAME=sec-1'));
  assert.equal(info.Config.Labels['tmux-agents-k8s-test'], 'true');
  assert.equal(info.Config.Labels['tmux-agents-k8s-test.namespace'], NS);

  // The same facts from inside: kernel-enforced, not just recorded.
  assert.equal(await inPod('sec-1', 'id -u; id -g'), '1000\n1000\n');
  assert.match(await inPod('sec-1', 'id -G'), /\b2000\b/);
  assert.equal(await inPod('sec-1', 'pwd; printf %s "$GREETING"'), '/scratch\nhi "there" $HOME');
  const limit = (await inPod('sec-1', 'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).trim();
  assert.equal(limit, String(300 * 1024 * 1024));
  const proc = await inPod('sec-1', 'cat /proc/self/status');
  assert.match(proc, /^NoNewPrivs:\s+1$/m);
  assert.match(proc, /^CapEff:\s+0000000000000000$/m);
  const rootWrite = await kubectl(kc, ['exec', '-n', NS, 'sec-1', '--', 'sh', '-c', 'touch /forbidden']);
  assert.notEqual(rootWrite.code, 0);
  assert.match(rootWrite.stderr, /Read-only file system/);
  // With fsGroup, emptyDir and claim are group-owned by it, setgid and writable.
  assert.equal(await inPod('sec-1', 'stat -c %a:%g /scratch /data'), '2777:2000\n2777:2000\n');
  await inPod('sec-1', 'echo kept > /data/note; echo gone > /scratch/note');
  assert.equal(await inPod('sec-1', 'tmux list-sessions -F "#{session_name}"'), 'S\n');
  assert.match(await inPod('sec-1', 'mount | grep " /tmp "'), /tmpfs/);

  // A claim in use is only marked for deletion until its pod is gone.
  await kubectlOk(kc, ['delete', 'pvc', 'work', '-n', NS, '--wait=false']);
  const protectedClaim = JSON.parse(await kubectlOk(kc, ['get', 'pvc', 'work', '-n', NS, '-o', 'json'])) as { metadata: { deletionTimestamp?: string; finalizers: string[] } };
  assert.ok(protectedClaim.metadata.deletionTimestamp);
  assert.deepEqual(protectedClaim.metadata.finalizers, ['kubernetes.io/pvc-protection']);
});

test('a claim outlives its pod; emptyDir does not; the claim goes once unused', T, async () => {
  // The claim deletion requested while sec-1 used it completes once sec-1 is gone.
  await kubectlOk(kc, ['delete', 'pvc', 'work', '-n', NS, '--wait=false', '--ignore-not-found']);
  await kubectlOk(kc, ['delete', 'pod', 'sec-1', '-n', NS, '--ignore-not-found']);
  await waitFor('claim work removed', async () => ((await kubectl(kc, ['get', 'pvc', 'work', '-n', NS])).code !== 0 ? true : undefined));
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });

  await apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'keep' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } } });
  const podWith = (name: string, script: string): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'keep' } }],
      containers: [{ name: 'agent', image: TEST_IMAGE, command: ['sh', '-c', script], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    },
  });
  await apply(podWith('writer', 'printf "written by writer" > /data/file'));
  await phase('writer', 'Succeeded');
  const exit = await kubectlOk(kc, ['get', 'pod', 'writer', '-n', NS, '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.reason}/{.status.containerStatuses[0].state.terminated.exitCode}']);
  assert.equal(exit, 'Completed/0');
  await kubectlOk(kc, ['delete', 'pod', 'writer', '-n', NS]);
  await apply(podWith('reader', 'stat -c %a /data; cat /data/file; exit 4'));
  await phase('reader', 'Failed');
  // Without fsGroup a volume root is world-writable (0777), so any uid can use it.
  assert.equal(await kubectlOk(kc, ['logs', 'reader', '-n', NS]), '777\nwritten by writer');
  assert.equal(await kubectlOk(kc, ['get', 'pod', 'reader', '-n', NS, '-o', 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}']), '4');
  await kubectlOk(kc, ['delete', 'pod', 'reader', '-n', NS]);
  await kubectlOk(kc, ['delete', 'pvc', 'keep', '-n', NS]);
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

test('runAsNonRoot with uid 0 is refused before start, like the kubelet does', T, async () => {
  await apply({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'rootly' },
    spec: { restartPolicy: 'Never', containers: [{ name: 'agent', image: TEST_IMAGE, command: ['sleep', '60'], securityContext: { runAsNonRoot: true, runAsUser: 0 } }] },
  });
  const waiting = await waitFor('CreateContainerConfigError', async () => {
    const w = JSON.parse(await kubectlOk(kc, ['get', 'pod', 'rootly', '-n', NS, '-o', 'jsonpath={.status.containerStatuses[0].state.waiting}']) || '{}') as { reason?: string; message?: string };
    return w.reason === 'CreateContainerConfigError' ? w : undefined;
  });
  assert.match(waiting.message ?? '', /^container's runAsUser breaks non-root policy \(pod: "rootly_mapping-tests\(.+\)", container: agent\)$/);
  assert.equal(await kubectlOk(kc, ['get', 'pod', 'rootly', '-n', NS, '-o', 'jsonpath={.status.phase}']), 'Pending');
  const [c] = await docker.listContainers({ all: true, filters: { label: [server.dockerLabelFilter, 'tmux-agents-k8s-test.pod=rootly'] } });
  assert.equal(c, undefined, 'no container may be created');
  await kubectlOk(kc, ['delete', 'pod', 'rootly', '-n', NS]);
});
