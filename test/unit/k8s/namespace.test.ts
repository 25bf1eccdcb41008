// ensureNamespace's decisions, including the RBAC answers the test API server cannot give
// (a user who may not read namespaces), with a scripted CoreV1Api.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { K8sClients } from '../../../src/runtimes/k8s/k8sClient';
import { ensureNamespace } from '../../../src/runtimes/k8s/namespace';

function apiError(code: number, message = ''): Error {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body: JSON.stringify({ kind: 'Status', status: 'Failure', code, message, reason: code === 403 ? 'Forbidden' : 'Other' }) });
}

function clients(read: () => unknown, create: (body: unknown) => unknown): { c: K8sClients; created: unknown[] } {
  const created: unknown[] = [];
  const core = {
    readNamespace: async () => read(),
    createNamespace: async ({ body }: { body: unknown }) => {
      created.push(body);
      return create(body);
    },
  };
  return { c: { core, context: 'prod', server: 'https://k' } as unknown as K8sClients, created };
}

const fail = (e: Error) => () => {
  throw e;
};

describe('ensureNamespace', () => {
  test('exists: nothing is created', async () => {
    const { c, created } = clients(() => ({}), () => ({}));
    assert.equal(await ensureNamespace(c, 'agents'), 'exists');
    assert.deepEqual(created, []);
  });
  test('missing: created, labelled as ours', async () => {
    const { c, created } = clients(fail(apiError(404)), () => ({}));
    assert.equal(await ensureNamespace(c, 'agents'), 'created');
    assert.deepEqual(created, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'agents', labels: { 'tmux-agents': 'true' } } }]);
  });
  test('may not read namespaces: assume it exists (creating the pod will say otherwise)', async () => {
    const { c, created } = clients(fail(apiError(403, 'namespaces "agents" is forbidden')), () => ({}));
    assert.equal(await ensureNamespace(c, 'agents'), 'exists');
    assert.deepEqual(created, []);
  });
  test('created meanwhile by another spawn: fine', async () => {
    const { c } = clients(fail(apiError(404)), fail(apiError(409, 'namespaces "agents" already exists')));
    assert.equal(await ensureNamespace(c, 'agents'), 'exists');
  });
  test('may not create it: forbidden, with what to ask an admin', async () => {
    const { c } = clients(fail(apiError(404)), fail(apiError(403, 'namespaces is forbidden: User "dev" cannot create resource "namespaces"')));
    await assert.rejects(ensureNamespace(c, 'agents'), (e: unknown) => {
      assert.ok(isTmuxAgentsError(e, 'forbidden'));
      assert.match(e.message, /^Namespace agents does not exist in context "prod", and your account may not create it: namespaces is forbidden: User "dev" cannot create resource "namespaces"\./);
      assert.match(e.hint!, /kubectl --context prod create namespace agents/);
      return true;
    });
  });
  test('other failures name the call', async () => {
    const { c } = clients(fail(apiError(500, 'etcd timeout')), () => ({}));
    await assert.rejects(ensureNamespace(c, 'agents'), (e: unknown) => isTmuxAgentsError(e, 'spawn-failed') && /^Reading namespace agents \(context "prod"\) failed: Other: etcd timeout/.test((e as Error).message));
  });
});
