import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SshRuntime } from '../../../src/runtimes/ssh';
import { sshAttachArgv } from '../../../src/runtimes/ssh/sshAttach';

const ATTACH = ['tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-fix-login'];
const localUser = () => 'me';

test('host settings: -t, -p only off port 22, -i, user@host, --, one quoted remote command', () => {
  assert.deepEqual(sshAttachArgv({ host: 'box.example.com', port: 2222, user: 'dev', identityFile: '/keys/id' }, ATTACH, localUser), [
    'ssh', '-t', '-p', '2222', '-i', '/keys/id', 'dev@box.example.com', '--', 'tmux -L tmux-agents attach-session -t =ta-fix-login',
  ]);
  assert.deepEqual(sshAttachArgv({ host: '10.0.0.5', port: 22 }, ATTACH, localUser), [
    'ssh', '-t', 'me@10.0.0.5', '--', 'tmux -L tmux-agents attach-session -t =ta-fix-login',
  ]);
});

test('a non-default known_hosts is passed as UserKnownHostsFile (double-quoted when it has spaces)', () => {
  assert.deepEqual(sshAttachArgv({ host: 'h', user: 'u', knownHostsPath: '/t/known_hosts' }, ATTACH, localUser).slice(0, 5), ['ssh', '-t', '-o', 'UserKnownHostsFile=/t/known_hosts', 'u@h']);
  assert.equal(sshAttachArgv({ host: 'h', user: 'u', knownHostsPath: '/my dir/kh' }, ATTACH, localUser)[3], 'UserKnownHostsFile="/my dir/kh"');
});

test('an alias is used as the destination; only explicit settings are repeated', () => {
  assert.deepEqual(sshAttachArgv({ alias: 'gpu-box' }, ATTACH, localUser), ['ssh', '-t', 'gpu-box', '--', 'tmux -L tmux-agents attach-session -t =ta-fix-login']);
  assert.deepEqual(sshAttachArgv({ alias: 'gpu-box', user: 'ml', port: 22, sshConfigPath: '/cfg' }, ATTACH, localUser), [
    'ssh', '-t', '-F', '/cfg', '-p', '22', 'ml@gpu-box', '--', 'tmux -L tmux-agents attach-session -t =ta-fix-login',
  ]);
  assert.deepEqual(sshAttachArgv({ alias: 'gpu-box', host: '10.1.1.1' }, ATTACH, localUser).slice(2, 5), ['-o', 'HostName=10.1.1.1', 'gpu-box']);
});

test('remote arguments with spaces and quotes become one POSIX-quoted string', () => {
  const argv = sshAttachArgv({ host: 'h', user: 'u' }, ['tmux', '-L', "my sock's", 'attach-session', '-t', '=a b'], localUser);
  assert.equal(argv.at(-1), `tmux -L 'my sock'\\''s' attach-session -t '=a b'`);
});

test('SshRuntime.getAttachCommand: the exact argv for an agent, with the runtime socket', () => {
  const rt = new SshRuntime({ id: 'build', host: '127.0.0.1', port: 2200, user: 'root', identityFile: '/k/id', knownHostsPath: '/k/known_hosts', socketName: 'agents-1' });
  const argv = rt.getAttachCommand({ runtimeType: 'ssh', runtimeId: 'build', agentId: 'fix-login', sessionName: 'ta-fix-login', data: {} }).argv;
  assert.deepEqual(argv, [
    'ssh', '-t', '-p', '2200', '-i', '/k/id', '-o', 'UserKnownHostsFile=/k/known_hosts', 'root@127.0.0.1', '--',
    'tmux -u -L agents-1 attach-session -t =ta-fix-login',
  ]);
  assert.equal(rt.type, 'ssh');
  assert.equal(rt.label, 'ssh: root@127.0.0.1');
  rt.dispose();
});

test('default socket name is the local runtime\'s', () => {
  const rt = new SshRuntime({ id: 'b', alias: 'box' });
  const argv = rt.getAttachCommand({ runtimeType: 'ssh', runtimeId: 'b', agentId: 'x', sessionName: 'ta-x', data: {} }).argv;
  assert.deepEqual(argv, ['ssh', '-t', 'box', '--', 'tmux -u -L tmux-agents attach-session -t =ta-x']);
  assert.equal(rt.label, 'ssh: box');
  rt.dispose();
});

test('ssh2 is not loaded until the first connect', () => {
  const rt = new SshRuntime({ id: 'lazy', host: 'box' });
  rt.getAttachCommand({ runtimeType: 'ssh', runtimeId: 'lazy', agentId: 'x', sessionName: 'ta-x', data: {} });
  const loaded = Object.keys(require.cache).filter((k) => /[\\/]node_modules[\\/]ssh2[\\/]/.test(k));
  assert.deepEqual(loaded, []);
  rt.dispose();
});
