import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import { K8sRuntime } from '../../../src/runtimes/k8s';
import { k8sAttachArgv } from '../../../src/runtimes/k8s/k8sAttach';

const TMUX = ['tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-fix-login'];

function handle(over: Partial<AgentHandle> = {}, data: Record<string, string> = {}): AgentHandle {
  return {
    runtimeType: 'k8s',
    runtimeId: 'k8s-default',
    agentId: 'fix-login',
    sessionName: 'ta-fix-login',
    data: { namespace: 'agents', pod: 'tmux-agents-k8s-default-fix-login', container: 'agent', context: 'prod', ...data },
    ...over,
  };
}

describe('k8sAttachArgv', () => {
  test('context, namespace, pod, container, then the tmux argv after --', () => {
    assert.deepEqual(k8sAttachArgv({ context: 'prod', namespace: 'agents', pod: 'p1', container: 'agent' }, TMUX), [
      'kubectl', '--context', 'prod', '-n', 'agents', 'exec', '-it', 'p1', '-c', 'agent', '--',
      'tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-fix-login',
    ]);
  });
  test('--kubeconfig only for a kubeconfig given to the runtime; no --context in-cluster', () => {
    assert.deepEqual(k8sAttachArgv({ context: 'dev', kubeconfigPath: '/home/me/my kube/config', namespace: 'n', pod: 'p', container: 'agent' }, TMUX).slice(0, 5), [
      'kubectl', '--context', 'dev', '--kubeconfig', '/home/me/my kube/config',
    ]);
    assert.deepEqual(k8sAttachArgv({ context: '', namespace: 'n', pod: 'p', container: 'agent' }, TMUX).slice(0, 3), ['kubectl', '-n', 'n']);
  });
});

describe('K8sRuntime.getAttachCommand', () => {
  test('built from the handle alone (no cluster access), exactly', () => {
    const rt = new K8sRuntime({ id: 'k8s-default', namespace: 'agents' });
    assert.deepEqual(rt.getAttachCommand(handle()).argv, [
      'kubectl', '--context', 'prod', '-n', 'agents', 'exec', '-it', 'tmux-agents-k8s-default-fix-login', '-c', 'agent', '--',
      'tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-fix-login',
    ]);
    const withFile = new K8sRuntime({ id: 'k8s-default', kubeconfigPath: '/tmp/kc', context: 'dev' });
    assert.deepEqual(withFile.getAttachCommand(handle({}, { context: 'dev' })).argv.slice(0, 7), ['kubectl', '--context', 'dev', '--kubeconfig', '/tmp/kc', '-n', 'agents']);
    rt.dispose();
    withFile.dispose();
  });
  test('a handle of another runtime is refused', () => {
    const rt = new K8sRuntime({ id: 'k8s-default' });
    assert.throws(() => rt.getAttachCommand(handle({ runtimeId: 'other' })), (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && /belongs to runtime "other"/.test((e as Error).message));
  });
});
