import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { DEFAULTS, checkOptions, resolveAgentUser, resolveCaBundle } from '../../../src/runtimes/docker/dockerRuntimeOptions';

describe('Docker runtime options', () => {
  test('defaults', () => {
    assert.equal(DEFAULTS.image, 'tmux-agents-base:latest');
    assert.equal(DEFAULTS.network, 'tmux-agents');
    assert.equal(DEFAULTS.defaultMemory, 4 * 1024 ** 3);
    assert.equal(DEFAULTS.defaultCpus, 2);
  });

  test('the agent runs as the workspace owner on Linux, never root, else 1000', () => {
    assert.deepEqual(resolveAgentUser({}, { uid: 1001, gid: 1002 }, 'linux'), { uid: 1001, gid: 1002 });
    assert.deepEqual(resolveAgentUser({}, { uid: 1001, gid: 0 }, 'linux'), { uid: 1001, gid: 1001 });
    assert.deepEqual(resolveAgentUser({}, { uid: 0, gid: 0 }, 'linux'), { uid: 1000, gid: 1000 });
    assert.deepEqual(resolveAgentUser({}, { uid: 501, gid: 20 }, 'darwin'), { uid: 1000, gid: 1000 }, 'Docker Desktop maps ownership itself');
    assert.deepEqual(resolveAgentUser({}, undefined, 'linux'), { uid: 1000, gid: 1000 });
    assert.deepEqual(resolveAgentUser({ uid: 4242 }, { uid: 1001, gid: 1002 }, 'linux'), { uid: 4242, gid: 4242 });
    assert.deepEqual(resolveAgentUser({ uid: 4242, gid: 7 }, undefined, 'linux'), { uid: 4242, gid: 7 });
  });

  test('the CA bundle: explicit file, else NODE_EXTRA_CA_CERTS when it exists, else none', () => {
    const isFile = (p: string) => p === '/corp.pem' || p === '/env.pem';
    assert.equal(resolveCaBundle('/corp.pem', {}, isFile), '/corp.pem');
    assert.throws(() => resolveCaBundle('/missing.pem', {}, isFile), (e) => isTmuxAgentsError(e, 'invalid-input') && /not a file/.test((e as Error).message));
    assert.equal(resolveCaBundle(undefined, { NODE_EXTRA_CA_CERTS: '/env.pem' }, isFile), '/env.pem');
    assert.equal(resolveCaBundle(undefined, { NODE_EXTRA_CA_CERTS: '/gone.pem' }, isFile), undefined);
    assert.equal(resolveCaBundle(undefined, {}, isFile), undefined);
    assert.equal(resolveCaBundle(false, { NODE_EXTRA_CA_CERTS: '/env.pem' }, isFile), undefined);
    assert.equal(resolveCaBundle('', { NODE_EXTRA_CA_CERTS: '/env.pem' }, isFile), undefined);
  });

  test('bad settings are refused at construction', () => {
    const bad = (o: Parameters<typeof checkOptions>[0], re: RegExp) => assert.throws(() => checkOptions(o), (e) => isTmuxAgentsError(e, 'invalid-input') && re.test((e as Error).message));
    bad({ id: '' }, /runtime id/);
    bad({ id: 'd', image: ' ' }, /image is empty/);
    bad({ id: 'd', network: 'host' }, /host/);
    bad({ id: 'd', extraBinds: ['/var/run/docker.sock:/s'] }, /socket/);
    bad({ id: 'd', defaultCpus: 0 }, /defaultCpus/);
    bad({ id: 'd', pidsLimit: -1 }, /pidsLimit/);
    bad({ id: 'd', uid: 0 }, /non-root/);
    bad({ id: 'd', gid: 1.5 }, /gid/);
    checkOptions({ id: 'docker-2', image: 'x:y', network: 'bridge', extraBinds: ['/a:/b:ro'], defaultMemory: 1024 ** 3, defaultCpus: 0.5, pidsLimit: 64, uid: 1000, credentialMounts: ['.ssh'] });
  });
});
