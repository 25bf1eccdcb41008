import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nullLogger } from '../../../src/core/log';
import { ProviderCatalog } from '../../../src/core/providers';
import { registerAllRuntimeTypes } from '../../../src/runtimes/allRuntimeTypes';
import { createRuntime, runtimeTypes } from '../../../src/runtimes/runtimeFactories';
import { UnavailableRuntime } from '../../../src/runtimes/unavailableRuntime';

registerAllRuntimeTypes();
const warnings: string[] = [];
const ctx = { providers: new ProviderCatalog(), logger: { ...nullLogger, warn: (m: string) => warnings.push(m) }, readyTimeoutMs: 1000 };

test('every built-in type is registered', () => {
  assert.deepEqual(runtimeTypes().sort(), ['docker', 'k8s', 'local', 'ssh']);
});

test('each type builds its runtime from a settings entry', () => {
  for (const [spec, type] of [
    [{ type: 'local', id: 'local' }, 'local'],
    [{ type: 'ssh', id: 'box', host: 'box.example', user: 'dev' }, 'ssh'],
    [{ type: 'docker', id: 'dock', image: 'x:1', credentialMounts: ['.claude'] }, 'docker'],
    [{ type: 'k8s', id: 'kube', namespace: 'agents', defaultMemory: '1Gi' }, 'k8s'],
  ] as const) {
    const rt = createRuntime(spec, ctx);
    assert.equal(rt.type, type);
    assert.equal(rt.id, spec.id);
    assert.ok(!(rt instanceof UnavailableRuntime), `${type}: ${JSON.stringify(spec)}`);
    rt.dispose?.();
  }
});

test('a bad entry becomes an unavailable runtime that says what is wrong', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ type: 'podman', id: 'p' }, /Unknown runtime type "podman".*Use one of: .*docker/],
    [{ type: 'docker', id: 'd', defaultMemory: '4GB' }, /Runtime "d": "defaultMemory" must be a number/],
    [{ type: 'docker', id: 'd2', credentialMounts: 'yes' }, /"credentialMounts" must be a list of strings/],
    [{ type: 'ssh', id: 's', port: '22' }, /"port" must be a number/],
    [{ type: 'k8s', id: 'k', nodeSelector: ['a'] }, /"nodeSelector" must be an object of strings/],
    [{ type: 'local', id: 'bad id!' }, /Invalid runtime id/],
  ];
  for (const [spec, message] of cases) {
    const rt = createRuntime(spec as never, ctx);
    assert.ok(rt instanceof UnavailableRuntime, JSON.stringify(spec));
    await assert.rejects(rt.ping(), message);
    await assert.rejects(rt.listAgents(), /tmuxAgents\.runtimes/);
  }
  assert.equal(warnings.length, cases.length);
});
