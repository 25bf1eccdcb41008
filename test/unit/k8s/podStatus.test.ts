import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ContainerState, V1Pod } from '@kubernetes/client-node';
import { agentInfoFromPod, handleFromPod, podStartVerdict, statusFromPod } from '../../../src/runtimes/k8s/podStatus';

const NOW = Date.parse('2026-01-02T03:10:00Z');

function pod(phase: string, state: V1ContainerState | undefined, over: { deleting?: boolean; reason?: string; message?: string; conditions?: unknown[] } = {}): V1Pod {
  return {
    metadata: {
      name: 'tmux-agents-k8s-fix-1',
      namespace: 'agents',
      labels: { 'tmux-agents': 'true', 'tmux-agents.runtime-id': 'k8s', 'tmux-agents.agent-id': 'fix-1', 'tmux-agents.ai-provider': 'claude' },
      annotations: { 'tmux-agents.runtime-id': 'k8s', 'tmux-agents.session-name': 'ta-fix-1', 'tmux-agents.created-at': '2026-01-02T03:04:05.678Z', 'tmux-agents.task': 'fix it' },
      ...(over.deleting ? { deletionTimestamp: new Date(NOW) } : {}),
    },
    spec: { containers: [{ name: 'agent', image: 'img' }], volumes: [{ name: 'workspace', persistentVolumeClaim: { claimName: 'c1' } }] },
    status: {
      phase,
      ...(over.reason ? { reason: over.reason, message: over.message } : {}),
      ...(over.conditions ? { conditions: over.conditions as never } : {}),
      containerStatuses: state ? [{ name: 'agent', image: 'img', imageID: '', ready: !!state.running, restartCount: 0, state }] : undefined,
    },
  };
}

const running = { running: { startedAt: new Date('2026-01-02T03:05:00Z') } };

describe('statusFromPod', () => {
  const cases: [string, V1Pod, Parameters<typeof statusFromPod>[1], string, RegExp][] = [
    ['creating', pod('Pending', { waiting: { reason: 'ContainerCreating' } }), undefined, 'starting', /^the pod is starting \(ContainerCreating\)$/],
    ['unschedulable', pod('Pending', undefined, { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }] }), undefined, 'starting', /^waiting for a node: Unschedulable: 0\/3 nodes are available: 3 Insufficient memory\.$/],
    ['image', pod('Pending', { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "x"' } }), undefined, 'failed', /^the image cannot be pulled \(ImagePullBackOff: Back-off pulling image "x"\)$/],
    ['config', pod('Pending', { waiting: { reason: 'CreateContainerConfigError', message: 'container has runAsNonRoot and image will run as root' } }), undefined, 'failed', /cannot be started \(CreateContainerConfigError: container has runAsNonRoot/],
    ['running, no probe', pod('Running', running), undefined, 'running', /^the pod is running$/],
    ['alive', pod('Running', running), { kind: 'alive' }, 'running', /^the tmux pane is alive$/],
    ['dead pane', pod('Running', running), { kind: 'dead', exitStatus: 3 }, 'exited', /exited with status 3$/],
    ['session missing long after start', pod('Running', running), { kind: 'missing' }, 'exited', /its tmux session is gone$/],
    ['session missing just after start', pod('Running', { running: { startedAt: new Date(NOW - 2_000) } }), { kind: 'missing' }, 'starting', /being set up/],
    ['probe failed', pod('Running', running), { kind: 'error', message: 'timeout' }, 'unknown', /could not ask tmux in the pod: timeout/],
    ['deleting', pod('Running', running, { deleting: true }), { kind: 'alive' }, 'stopped', /being deleted/],
    ['oom', pod('Failed', { terminated: { exitCode: 137, reason: 'OOMKilled' } }), undefined, 'failed', /more memory than its limit \(OOMKilled\)/],
    ['evicted', pod('Failed', undefined, { reason: 'Evicted', message: 'The node was low on resource: memory.' }), undefined, 'failed', /^the pod failed: Evicted: The node was low on resource: memory\.$/],
    ['succeeded', pod('Succeeded', { terminated: { exitCode: 0, reason: 'Completed' } }), undefined, 'stopped', /exited with status 0 \(Completed\)/],
    ['unknown', pod('Unknown', undefined), undefined, 'unknown', /stopped reporting/],
  ];
  for (const [name, p, probe, status, reason] of cases) {
    test(name, () => {
      const d = statusFromPod(p, probe, NOW);
      assert.equal(d.status, status);
      assert.match(d.reason, reason);
      // Only a session gone for good makes the pod an orphan.
      assert.equal(d.sessionMissing === true, name === 'session missing long after start');
    });
  }
});

describe('handles and infos from pods', () => {
  test('a handle carries what exec and attach need; exact runtime id required', () => {
    const p = pod('Running', running);
    assert.deepEqual(handleFromPod(p, 'k8s', 'k8s', 'prod'), {
      runtimeType: 'k8s',
      runtimeId: 'k8s',
      agentId: 'fix-1',
      sessionName: 'ta-fix-1',
      data: { namespace: 'agents', pod: 'tmux-agents-k8s-fix-1', container: 'agent', context: 'prod', claim: 'c1' },
    });
    assert.equal(handleFromPod(p, 'k8s', 'other', 'prod'), undefined, 'a label shared by a sanitised id is not enough');
    const noSession = pod('Running', running);
    delete noSession.metadata!.annotations!['tmux-agents.session-name'];
    assert.equal(handleFromPod(noSession, 'k8s', 'k8s', 'prod'), undefined);
  });
  test('info from labels and annotations', () => {
    const p = pod('Running', running);
    const h = handleFromPod(p, 'k8s', 'k8s', 'prod')!;
    assert.deepEqual(agentInfoFromPod(h, p, { status: 'running', reason: 'r' }), {
      handle: h,
      status: 'running',
      statusReason: 'r',
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      provider: 'claude',
      taskSummary: 'fix it',
      workingDirectory: '/workspace (pod tmux-agents-k8s-fix-1)',
    });
  });
});

describe('podStartVerdict', () => {
  test('running, waiting, or failed (with whether the image is the problem)', () => {
    assert.deepEqual(podStartVerdict(pod('Running', running)), { kind: 'running' });
    assert.equal(podStartVerdict(pod('Pending', { waiting: { reason: 'ContainerCreating' } })).kind, 'waiting');
    assert.deepEqual(podStartVerdict(pod('Pending', { waiting: { reason: 'ErrImagePull', message: 'pull access denied' } })), { kind: 'failed', imageProblem: true, reason: 'the image cannot be pulled (ErrImagePull: pull access denied)' });
    assert.equal(podStartVerdict(pod('Failed', { terminated: { exitCode: 128, reason: 'StartError' } })).kind, 'failed');
    assert.equal(podStartVerdict(pod('Running', running, { deleting: true })).kind, 'failed');
  });
});
