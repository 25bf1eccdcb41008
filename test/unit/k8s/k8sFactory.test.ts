import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { nullLogger } from '../../../src/core/log';
import { ProviderCatalog } from '../../../src/core/providers';
import { k8sRuntimeFactory } from '../../../src/runtimes/k8s';

const ctx = { providers: new ProviderCatalog(), logger: nullLogger, readyTimeoutMs: 1_000 };
const invalidInput = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message);

describe('k8sRuntimeFactory', () => {
  test('a settings entry becomes a K8sRuntime', () => {
    const rt = k8sRuntimeFactory.create(
      { type: 'k8s', id: 'cluster-a', context: 'prod', namespace: 'ai', defaultMemory: '8Gi', defaultCpus: 4, storageClassName: 'fast', keepVolume: true, imagePullSecrets: ['regcred'], nodeSelector: { pool: 'agents' } },
      ctx,
    );
    assert.equal(rt.type, 'k8s');
    assert.equal(rt.id, 'cluster-a');
    assert.equal(rt.label, 'k8s: prod/ai');
    rt.dispose?.();
  });
  test('wrong types name the field', () => {
    assert.throws(() => k8sRuntimeFactory.create({ type: 'k8s', id: 'x', keepVolume: 'yes' }, ctx), invalidInput(/"keepVolume" must be true or false/));
    assert.throws(() => k8sRuntimeFactory.create({ type: 'k8s', id: 'x', imagePullSecrets: 'regcred' }, ctx), invalidInput(/"imagePullSecrets" must be a list of strings/));
    assert.throws(() => k8sRuntimeFactory.create({ type: 'k8s', id: 'x', nodeSelector: { a: 1 } }, ctx), invalidInput(/"nodeSelector" must be an object of strings/));
    assert.throws(() => k8sRuntimeFactory.create({ type: 'k8s', id: 'x', defaultMemory: true }, ctx), invalidInput(/"defaultMemory" must be a quantity string/));
    assert.throws(() => k8sRuntimeFactory.create({ type: 'k8s', id: 'x', namespace: 5 }, ctx), invalidInput(/"namespace" must be a string/));
  });
});
