// Which kubeconfig and context a runtime uses, with real files (client-node parses them).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { createK8sClients, kubeconfigFiles } from '../../../src/runtimes/k8s/k8sClient';

let dir: string;

function kubeconfig(current: string, contexts: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: Object.entries(contexts).map(([name, server]) => ({ name: `${name}-cluster`, cluster: { server } })),
    users: Object.keys(contexts).map((name) => ({ name: `${name}-user`, user: { token: 't' } })),
    contexts: Object.keys(contexts).map((name) => ({ name, context: { cluster: `${name}-cluster`, user: `${name}-user` } })),
    'current-context': current,
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ta-kubeconfig-'));
  writeFileSync(join(dir, 'a'), kubeconfig('dev', { dev: 'https://dev.example:6443', prod: 'https://prod.example:6443' }));
  writeFileSync(join(dir, 'b'), kubeconfig('other', { other: 'https://other.example' }));
  writeFileSync(join(dir, 'broken'), 'clusters: [ this is : not yaml');
  mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
  writeFileSync(join(dir, 'home', '.kube', 'config'), kubeconfig('home', { home: 'https://home.example' }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const invalidInput = (re: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message + ' ' + ((e as { hint?: string }).hint ?? ''));

describe('kubeconfig resolution', () => {
  test('kubeconfigPath, else KUBECONFIG (a path list), else ~/.kube/config', () => {
    assert.deepEqual(kubeconfigFiles({ namespace: 'n', kubeconfigPath: '/x', env: { KUBECONFIG: '/y' } }), ['/x']);
    assert.deepEqual(kubeconfigFiles({ namespace: 'n', env: { KUBECONFIG: `/y${delimiter}/z` } }), ['/y', '/z']);
    assert.deepEqual(kubeconfigFiles({ namespace: 'n', env: {}, homeDir: '/home/me' }), ['/home/me/.kube/config']);
  });

  test('current context by default, the configured one when given', async () => {
    const cur = await createK8sClients({ namespace: 'n', kubeconfigPath: join(dir, 'a') });
    assert.equal(cur.context, 'dev');
    assert.equal(cur.server, 'https://dev.example:6443');
    const prod = await createK8sClients({ namespace: 'n', kubeconfigPath: join(dir, 'a'), context: 'prod' });
    assert.equal(prod.context, 'prod');
    assert.equal(prod.server, 'https://prod.example:6443');
    assert.equal(prod.kubeconfigPath, join(dir, 'a'));
  });

  test('KUBECONFIG files merge like kubectl: the first current-context wins, later contexts are usable', async () => {
    const env = { KUBECONFIG: [join(dir, 'a'), join(dir, 'missing'), join(dir, 'b')].join(delimiter) };
    assert.equal((await createK8sClients({ namespace: 'n', env })).context, 'dev');
    const other = await createK8sClients({ namespace: 'n', env, context: 'other' });
    assert.equal(other.server, 'https://other.example');
    assert.equal(other.kubeconfigPath, undefined, 'attach lets kubectl read KUBECONFIG itself');
    assert.equal((await createK8sClients({ namespace: 'n', env: {}, homeDir: join(dir, 'home') })).context, 'home');
  });

  test('clear errors: missing file, unknown context (listing the known ones), unreadable file, nothing at all', async () => {
    await assert.rejects(createK8sClients({ namespace: 'n', kubeconfigPath: join(dir, 'nope') }), invalidInput(/kubeconfig file .*nope does not exist/));
    await assert.rejects(createK8sClients({ namespace: 'n', kubeconfigPath: join(dir, 'a'), context: 'staging' }), invalidInput(/no context "staging".*Its contexts: dev, prod/));
    await assert.rejects(createK8sClients({ namespace: 'n', kubeconfigPath: join(dir, 'broken') }), invalidInput(/kubeconfig file .*broken cannot be read/));
    await assert.rejects(createK8sClients({ namespace: 'n', env: {}, homeDir: join(dir, 'empty-home') }), invalidInput(/No kubeconfig found.*Set KUBECONFIG/));
  });
});
