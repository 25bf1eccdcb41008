import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { K8sRuntime } from '../../../src/runtimes/k8s';
import { resolveOptions } from '../../../src/runtimes/k8s/k8sRuntimeOptions';

const invalidInput = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message);

describe('resolveOptions', () => {
  test('the defaults', () => {
    assert.deepEqual(resolveOptions({ id: 'k8s' }), {
      namespace: 'tmux-agents',
      image: 'tmux-agents-base:latest',
      imagePullPolicy: undefined,
      defaultMemory: '4Gi',
      defaultCpus: '2000m',
      claim: undefined,
      imagePullSecrets: [],
      nodeSelector: {},
      serviceAccountName: undefined,
    });
  });
  test('a claim when a storage class or a size is set; keepVolume only with one', () => {
    assert.deepEqual(resolveOptions({ id: 'k', storageClassName: 'fast' }).claim, { storageClassName: 'fast', size: '10Gi', keep: false });
    assert.deepEqual(resolveOptions({ id: 'k', volumeSize: '5Gi', keepVolume: true }).claim, { storageClassName: undefined, size: '5Gi', keep: true });
    assert.throws(() => resolveOptions({ id: 'k', keepVolume: true }), invalidInput(/keepVolume needs a persistent workspace/));
  });
  test('numbers for memory and CPUs', () => {
    const o = resolveOptions({ id: 'k', defaultMemory: 2 * 1024 ** 3, defaultCpus: 0.5 });
    assert.equal(o.defaultMemory, '2Gi');
    assert.equal(o.defaultCpus, '500m');
  });
  test('bad settings fail at registration, naming the runtime and the setting', () => {
    assert.throws(() => resolveOptions({ id: 'bad id' }), invalidInput(/Invalid runtime id/));
    assert.throws(() => resolveOptions({ id: 'k', namespace: 'Agents' }), invalidInput(/Kubernetes runtime "k": namespace "Agents" is not a valid namespace name/));
    assert.throws(() => resolveOptions({ id: 'k', namespace: 'a'.repeat(64) }), invalidInput(/namespace/));
    assert.throws(() => resolveOptions({ id: 'k', context: ' ' }), invalidInput(/context is empty/));
    assert.throws(() => resolveOptions({ id: 'k', image: 'a b' }), invalidInput(/image "a b"/));
    assert.throws(() => resolveOptions({ id: 'k', imagePullPolicy: 'Sometimes' as never }), invalidInput(/imagePullPolicy "Sometimes"/));
    assert.throws(() => resolveOptions({ id: 'k', defaultMemory: '4GB' }), invalidInput(/defaultMemory "4GB"/));
    assert.throws(() => resolveOptions({ id: 'k', defaultCpus: '-1' }), invalidInput(/defaultCpus "-1"/));
    assert.throws(() => resolveOptions({ id: 'k', storageClassName: 'Fast_SSD' }), invalidInput(/storageClassName "Fast_SSD"/));
    assert.throws(() => resolveOptions({ id: 'k', volumeSize: 'huge' }), invalidInput(/volumeSize "huge"/));
    assert.throws(() => resolveOptions({ id: 'k', imagePullSecrets: ['Reg Cred'] }), invalidInput(/imagePullSecrets entry "Reg Cred"/));
    assert.throws(() => resolveOptions({ id: 'k', nodeSelector: { 'bad key!': 'x' } }), invalidInput(/nodeSelector entry "bad key!"/));
    assert.throws(() => resolveOptions({ id: 'k', nodeSelector: { pool: 'not valid' } }), invalidInput(/nodeSelector entry "pool"/));
    assert.throws(() => resolveOptions({ id: 'k', serviceAccountName: 'SA' }), invalidInput(/serviceAccountName "SA"/));
    assert.throws(() => resolveOptions({ id: 'k', podStartTimeoutMs: 0 }), invalidInput(/podStartTimeoutMs 0/));
  });
  test('the constructor checks, and does no I/O', () => {
    assert.throws(() => new K8sRuntime({ id: 'k', namespace: 'NS' }), invalidInput(/namespace "NS"/));
    const rt = new K8sRuntime({ id: 'k', kubeconfigPath: '/nonexistent/kubeconfig' });
    assert.equal(rt.type, 'k8s');
    assert.equal(rt.label, 'k8s: current context/tmux-agents');
    assert.equal(new K8sRuntime({ id: 'k', context: 'prod', namespace: 'ai' }).label, 'k8s: prod/ai');
  });
});
