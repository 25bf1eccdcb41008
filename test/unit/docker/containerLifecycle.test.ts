import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { checkWorkspace, fitCpus } from '../../../src/runtimes/docker/containerLifecycle';
import { parseDockerHost } from '../../../src/runtimes/docker/dockerSocket';

const LOCAL = parseDockerHost('/var/run/docker.sock', 'default');
const REMOTE = parseDockerHost('tcp://box:2375', 'setting');

test('CPUs: a default above the daemon\'s count is capped, an explicit one is an error', () => {
  assert.equal(fitCpus(2, 4, false, LOCAL), 2);
  assert.equal(fitCpus(2, 1, false, LOCAL), 1);
  assert.equal(fitCpus(2, undefined, true, LOCAL), 2);
  assert.throws(() => fitCpus(8, 2, true, LOCAL), (e) => isTmuxAgentsError(e, 'invalid-input') && /asks for 8 CPUs but the Docker daemon at unix:\/\/\/var\/run\/docker\.sock has 2/.test((e as Error).message));
});

test('the workspace is checked on this machine only for a local daemon', () => {
  assert.ok(checkWorkspace('/tmp', LOCAL)?.isDirectory());
  assert.throws(() => checkWorkspace('/nonexistent/dir', LOCAL), (e) => isTmuxAgentsError(e, 'invalid-input') && /does not exist/.test((e as Error).message));
  assert.throws(() => checkWorkspace('/etc/hostname', LOCAL), (e) => isTmuxAgentsError(e, 'invalid-input') && /not a folder/.test((e as Error).message));
  assert.throws(() => checkWorkspace('', LOCAL), (e) => isTmuxAgentsError(e, 'invalid-input'));
  assert.equal(checkWorkspace('/only/on/the/remote/host', REMOTE), undefined);
});
