import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { resolveOptions } from '../../../src/runtimes/k8s/k8sRuntimeOptions';
import { KEEP_ALIVE_COMMAND, agentResources, buildClaimSpec, buildPodSpec, type PodSpecInput } from '../../../src/runtimes/k8s/podSpec';

function input(over: Partial<PodSpecInput> = {}): PodSpecInput {
  return {
    runtimeId: 'k8s-default',
    agentId: 'fix-login',
    sessionName: 'ta-fix-login',
    provider: 'claude',
    createdAt: new Date('2026-01-02T03:04:05.678Z'),
    task: 'Fix the login\nbug',
    sourceFolder: '/home/me/project',
    podName: 'tmux-agents-k8s-default-fix-login',
    namespace: 'tmux-agents',
    image: 'tmux-agents-base:latest',
    memory: '4Gi',
    cpu: '2000m',
    ...over,
  };
}

const invalidInput = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message);

describe('buildPodSpec', () => {
  test('the default pod, exactly', () => {
    assert.deepEqual(buildPodSpec(input()), {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'tmux-agents-k8s-default-fix-login',
        namespace: 'tmux-agents',
        labels: {
          'tmux-agents': 'true',
          'tmux-agents.runtime-id': 'k8s-default',
          'tmux-agents.agent-id': 'fix-login',
          'tmux-agents.session-name': 'ta-fix-login',
          'tmux-agents.ai-provider': 'claude',
          'tmux-agents.created-at': '20260102T030405Z',
        },
        annotations: {
          'tmux-agents.runtime-id': 'k8s-default',
          'tmux-agents.session-name': 'ta-fix-login',
          'tmux-agents.created-at': '2026-01-02T03:04:05.678Z',
          'tmux-agents.task': 'Fix the login bug',
          'tmux-agents.source-folder': '/home/me/project',
        },
      },
      spec: {
        restartPolicy: 'Never',
        terminationGracePeriodSeconds: 2,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: {
          runAsUser: 1000,
          runAsGroup: 1000,
          runAsNonRoot: true,
          fsGroup: 1000,
          fsGroupChangePolicy: 'OnRootMismatch',
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'agent',
            image: 'tmux-agents-base:latest',
            command: ['/bin/sh', '-c', 'trap "exit 0" TERM INT HUP; while :; do sleep 86400 & wait $!; done'],
            workingDir: '/workspace',
            env: [
              { name: 'HOME', value: '/home/agent' },
              { name: 'TERM', value: 'xterm-256color' },
              { name: 'LC_CTYPE', value: 'C.UTF-8' },
            ],
            resources: { requests: { cpu: '2000m', memory: '4Gi' }, limits: { cpu: '2000m', memory: '4Gi' } },
            securityContext: { allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [
              { name: 'workspace', mountPath: '/workspace' },
              { name: 'run', mountPath: '/run/tmux-agents' },
            ],
          },
        ],
        volumes: [
          { name: 'workspace', emptyDir: {} },
          { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
        ],
      },
    });
  });

  test('claim, pull policy and secrets, node selector, service account, agent env', () => {
    const pod = buildPodSpec(
      input({
        claimName: 'tmux-agents-k8s-default-fix-login-workspace',
        imagePullPolicy: 'IfNotPresent',
        imagePullSecrets: ['regcred'],
        nodeSelector: { 'kubernetes.io/arch': 'amd64' },
        serviceAccountName: 'agents',
        env: { FOO: 'bar baz', LANG: 'en_US.UTF-8' },
        task: undefined,
        sourceFolder: undefined,
      }),
    );
    const spec = pod.spec!;
    const c = spec.containers[0]!;
    assert.equal(c.imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(spec.imagePullSecrets, [{ name: 'regcred' }]);
    assert.deepEqual(spec.nodeSelector, { 'kubernetes.io/arch': 'amd64' });
    assert.equal(spec.serviceAccountName, 'agents');
    assert.equal('automountServiceAccountToken' in spec, false, 'a chosen service account keeps its own token setting');
    assert.deepEqual(spec.volumes![0], { name: 'workspace', persistentVolumeClaim: { claimName: 'tmux-agents-k8s-default-fix-login-workspace' } });
    // A UTF-8 LANG from the agent: no LC_CTYPE added; the agent's env comes last, as given.
    assert.deepEqual(c.env, [
      { name: 'HOME', value: '/home/agent' },
      { name: 'TERM', value: 'xterm-256color' },
      { name: 'FOO', value: 'bar baz' },
      { name: 'LANG', value: 'en_US.UTF-8' },
    ]);
    assert.deepEqual(pod.metadata!.annotations, {
      'tmux-agents.runtime-id': 'k8s-default',
      'tmux-agents.session-name': 'ta-fix-login',
      'tmux-agents.created-at': '2026-01-02T03:04:05.678Z',
    });
  });

  test('label values are sanitised to Kubernetes rules; annotations keep the exact values', () => {
    const session = `_${'s'.repeat(80)}`;
    const pod = buildPodSpec(input({ runtimeId: 'My_Runtime.', sessionName: session }));
    const labels = pod.metadata!.labels!;
    for (const [k, v] of Object.entries(labels)) {
      assert.ok(v.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v), `label ${k}=${v}`);
    }
    assert.match(labels['tmux-agents.runtime-id']!, /^My_Runtime-[0-9a-f]{8}$/);
    assert.match(labels['tmux-agents.session-name']!, /^s+-[0-9a-f]{8}$/);
    assert.equal(pod.metadata!.annotations!['tmux-agents.session-name'], session);
    assert.equal(pod.metadata!.annotations!['tmux-agents.runtime-id'], 'My_Runtime.');
  });

  test('secret env never appears in the pod (it has no field for it); bad env is refused before anything exists', () => {
    assert.ok(!JSON.stringify(buildPodSpec(input({ env: { A: '1' } }))).includes('secret'), 'no secret-ish fields');
    assert.throws(() => buildPodSpec(input({ env: { '1BAD': 'x' } })), invalidInput(/Invalid environment variable name "1BAD"/));
    assert.throws(() => buildPodSpec(input({ env: { HOME: '/root' } })), invalidInput(/HOME is set by the Kubernetes runtime/));
    assert.throws(() => buildPodSpec(input({ env: { X: 'a\0b' } })), invalidInput(/X must be a string without NUL/));
  });

  test('the keep-alive command exits on TERM (a real sh)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(KEEP_ALIVE_COMMAND[0]!, KEEP_ALIVE_COMMAND.slice(1), { stdio: 'ignore' });
    // Ask the shell whether it has started its loop: its sleep child exists.
    const { pollUntil } = await import('../../../src/core/async');
    const { execFileSync } = await import('node:child_process');
    const ready = await pollUntil(async () => (execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' }).trim() ? true : undefined), { timeoutMs: 5_000 }).catch(() => undefined);
    assert.ok(ready, 'the loop started');
    const t0 = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 0);
    assert.ok(Date.now() - t0 < 2_000, 'exits at once, not after a sleep');
  });
});

describe('agentResources', () => {
  const defaults = resolveOptions({ id: 'k' });
  test('defaults when the agent sets none: 4Gi and 2000m', () => {
    assert.deepEqual(agentResources(undefined, defaults), { memory: '4Gi', cpu: '2000m' });
  });
  test('the agent\'s bytes and CPUs, as quantities', () => {
    assert.deepEqual(agentResources({ memory: 8 * 1024 ** 3, cpus: 1.5 }, defaults), { memory: '8Gi', cpu: '1500m' });
    assert.deepEqual(agentResources({ memory: 1536 * 1024 ** 2 }, defaults), { memory: '1536Mi', cpu: '2000m' });
    assert.deepEqual(agentResources({ memory: 100_000_000, cpus: 0.25 }, defaults), { memory: '100000000', cpu: '250m' });
  });
  test('nonsense is refused', () => {
    assert.throws(() => agentResources({ memory: 1024 }, defaults), invalidInput(/at least 6 MiB/));
    assert.throws(() => agentResources({ memory: 1.5 * 1024 ** 3 + 0.5 }, defaults), invalidInput(/whole number of bytes/));
    assert.throws(() => agentResources({ cpus: 0 }, defaults), invalidInput(/at least 0.001 CPUs/));
    assert.throws(() => agentResources({ cpus: Number.NaN }, defaults), invalidInput(/CPU limit/));
  });
});

describe('buildClaimSpec', () => {
  test('the claim, exactly; no storageClassName when unset (the cluster default class)', () => {
    assert.deepEqual(buildClaimSpec({ runtimeId: 'k8s-default', agentId: 'fix-login', name: 'c1', namespace: 'ns', size: '10Gi', storageClassName: 'fast' }), {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: 'c1',
        namespace: 'ns',
        labels: { 'tmux-agents': 'true', 'tmux-agents.runtime-id': 'k8s-default', 'tmux-agents.agent-id': 'fix-login' },
        annotations: { 'tmux-agents.runtime-id': 'k8s-default' },
      },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, storageClassName: 'fast' },
    });
    const noClass = buildClaimSpec({ runtimeId: 'r', agentId: 'a', name: 'c', namespace: 'ns', size: '1Gi' });
    assert.equal('storageClassName' in noClass.spec!, false);
  });
});
