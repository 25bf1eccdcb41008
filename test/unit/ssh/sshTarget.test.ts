import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { SshRuntime } from '../../../src/runtimes/ssh';
import { resolveSshTarget, targetLabel, validateSshHostOptions } from '../../../src/runtimes/ssh/sshTarget';

const invalid = (fn: () => unknown, field: RegExp) =>
  assert.throws(fn, (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && field.test(e.message));

test('bad settings are refused before anything is created, naming the field', () => {
  invalid(() => validateSshHostOptions({}, 'r'), /has no host/);
  invalid(() => validateSshHostOptions({ host: '-oProxyCommand=touch /tmp/x' }, 'r'), /invalid host/);
  invalid(() => validateSshHostOptions({ host: 'a b' }, 'r'), /invalid host/);
  invalid(() => validateSshHostOptions({ host: 'h', port: 0 }, 'r'), /invalid port/);
  invalid(() => validateSshHostOptions({ host: 'h', port: 70000 }, 'r'), /invalid port/);
  invalid(() => validateSshHostOptions({ host: 'h', port: 22.5 }, 'r'), /invalid port/);
  invalid(() => validateSshHostOptions({ host: 'h', user: '-l root' }, 'r'), /invalid user/);
  invalid(() => validateSshHostOptions({ host: 'h', user: 'a;b' }, 'r'), /invalid user/);
  invalid(() => validateSshHostOptions({ alias: '-F/etc/passwd' }, 'r'), /invalid alias/);
  invalid(() => validateSshHostOptions({ host: 'h', identityFile: '' }, 'r'), /invalid identityFile/);
  invalid(() => new SshRuntime({ id: 'bad id', host: 'h' }), /runtime id/);
  invalid(() => new SshRuntime({ id: 'r', host: 'h', socketName: 'a/b' }), /socket name/);
  // Valid ones pass.
  validateSshHostOptions({ host: 'build-box.example.com', port: 2222, user: 'dev_1', identityFile: '~/.ssh/id' }, 'r');
  validateSshHostOptions({ host: '::1' }, 'r');
  validateSshHostOptions({ alias: 'gpu-box' }, 'r');
});

test('settings alone: OpenSSH defaults fill the rest', async () => {
  const t = await resolveSshTarget({ host: 'box' }, { home: '/home/me', localUser: 'me', agentSocket: '' });
  assert.deepEqual(t, {
    host: 'box',
    port: 22,
    user: 'me',
    alias: undefined,
    identityFiles: ['/home/me/.ssh/id_rsa', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_ed25519'],
    defaultIdentities: true,
    agentSocket: undefined,
    agent: 'not-running',
    knownHostsFiles: ['/home/me/.ssh/known_hosts', '/home/me/.ssh/known_hosts2', '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
    unsupported: [],
  });
  assert.equal(targetLabel(t), 'me@box:22');
  assert.equal(targetLabel({ user: 'u', host: '::1', port: 22 }), 'u@[::1]:22');
});

test('an alias from the config file, with explicit settings overriding it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ssh-target-'));
  try {
    const cfg = join(dir, 'config');
    await writeFile(cfg, 'Host gpu\n  HostName gpu.example.com\n  Port 2200\n  User ml\n  IdentityFile ~/.ssh/id_gpu\n');
    const env = { home: '/home/me', localUser: 'me', agentSocket: '/run/agent.sock' };
    const fromAlias = await resolveSshTarget({ alias: 'gpu', sshConfigPath: cfg }, env);
    assert.equal(targetLabel(fromAlias), 'ml@gpu.example.com:2200');
    assert.deepEqual(fromAlias.identityFiles, ['/home/me/.ssh/id_gpu']);
    assert.equal(fromAlias.defaultIdentities, false);
    assert.equal(fromAlias.agentSocket, '/run/agent.sock');
    const overridden = await resolveSshTarget({ alias: 'gpu', sshConfigPath: cfg, port: 22, user: 'root', identityFile: '~/k', useAgent: false, knownHostsPath: '~/kh' }, env);
    assert.equal(targetLabel(overridden), 'root@gpu.example.com:22');
    assert.deepEqual(overridden.identityFiles, ['/home/me/k']);
    assert.equal(overridden.agent, 'disabled');
    assert.deepEqual(overridden.knownHostsFiles, ['/home/me/kh']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
