import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKnownHosts } from '../../../src/runtimes/ssh/knownHosts';
import { authFailedError, hostKeyError, isTransientConnectError, unreachableError, unsupportedConfigError } from '../../../src/runtimes/ssh/sshErrors';
import type { SshTarget } from '../../../src/runtimes/ssh/sshTarget';

const T: SshTarget = {
  host: 'build.example.com', port: 22, user: 'dev', identityFiles: ['/home/dev/.ssh/id_ed25519'], defaultIdentities: false,
  agent: 'not-running', knownHostsFiles: ['/home/dev/.ssh/known_hosts'], unsupported: [],
};
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAINxEgXx47HQsDGh/RkyY1ivJLqpUZqrGZRvABLgkAHvS';

const err = (props: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), props);

test('unreachable: the reason in words, host:port, and a command to try', () => {
  const e = unreachableError(T, err({ code: 'ENOTFOUND', level: 'client-socket' }), 1, 10_000);
  assert.equal(e.code, 'runtime-unreachable');
  assert.equal(e.message, 'Cannot reach the SSH server at build.example.com:22 for dev: host name "build.example.com" not found. Check that the host is up and sshd listens on port 22; try "ssh dev@build.example.com" in a terminal.');
  assert.match(unreachableError(T, err({ level: 'client-timeout' }), 3, 10_000).message, /\(3 attempts\): no SSH answer within 10000 ms\./);
  assert.match(unreachableError({ ...T, port: 2200 }, err({ code: 'EHOSTUNREACH' }), 1, 1).message, /at build\.example\.com:2200 for dev: no route to the host\..*ssh -p 2200 dev@build\.example\.com/);
});

test('transient (worth a retry) versus verdicts', () => {
  assert.ok(isTransientConnectError(err({ level: 'client-socket', code: 'ECONNREFUSED' })));
  assert.ok(isTransientConnectError(err({ level: 'client-timeout' })));
  assert.ok(!isTransientConnectError(err({ level: 'client-authentication' })));
  assert.ok(!isTransientConnectError(err({ level: 'handshake' }, 'Host denied (verification failed)')));
});

test('auth failed: what was offered, what was not and why, and the fix', () => {
  const e = authFailedError({ ...T, agent: 'used' }, {
    offered: ['key /home/dev/.ssh/id_ed25519', 'the keys in ssh-agent (/run/agent.sock)'],
    skipped: ['key /home/dev/.ssh/id_rsa (protected by a passphrase: load it into ssh-agent with ssh-add)'],
    agent: 'used',
  });
  assert.equal(e.code, 'auth-failed');
  assert.equal(
    e.message,
    'SSH authentication failed for dev@build.example.com:22: the server accepted none of: key /home/dev/.ssh/id_ed25519, the keys in ssh-agent (/run/agent.sock). ' +
      'Not offered: key /home/dev/.ssh/id_rsa (protected by a passphrase: load it into ssh-agent with ssh-add). ' +
      'Check the user name, and that the public key is in ~dev/.ssh/authorized_keys on the host (e.g. "ssh-copy-id -i /home/dev/.ssh/id_ed25519.pub dev@build.example.com"), or set identityFile / load the key into ssh-agent.',
  );
  const none = authFailedError(T, { offered: [], skipped: [], agent: 'not-running' });
  assert.match(none.message, /there was no key to offer \(no ssh-agent \(SSH_AUTH_SOCK is not set\)\)\./);
  assert.match(none.message, /"ssh-copy-id dev@build\.example\.com"/);
});

test('host key: unknown (with other key types known), revoked, changed', () => {
  const unknown = hostKeyError(T, { kind: 'unknown', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', otherTypes: ['ssh-rsa'] });
  assert.equal(unknown.code, 'host-key');
  assert.match(unknown.message, /not trusted yet: the server presented ED25519 key SHA256:abc, which is not in \/home\/dev\/\.ssh\/known_hosts\. Keys of another type \(RSA\) are already known for it, but the server no longer offers them: be careful\. Not connecting\./);
  assert.match(unknown.message, /"ssh-keyscan build\.example\.com >> \/home\/dev\/\.ssh\/known_hosts"/);
  assert.match(unknown.message, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);

  const [entry] = parseKnownHosts(`@revoked build.example.com ssh-ed25519 ${ED}\n`, '/kh');
  const revoked = hostKeyError(T, { kind: 'revoked', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', entry: entry! });
  assert.match(revoked.message, /^REFUSED: .* marked @revoked in \/kh:1/);

  const [old] = parseKnownHosts(`build.example.com ssh-ed25519 ${ED}\n`, '/kh');
  const changed = hostKeyError({ ...T, port: 2222 }, { kind: 'changed', fingerprint: 'SHA256:new', keyType: 'ssh-ed25519', known: [{ entry: old!, fingerprint: 'SHA256:old' }] });
  assert.match(changed.message, /^WARNING: THE SSH HOST KEY OF build\.example\.com:2222 HAS CHANGED\. The server presented ED25519 key SHA256:new, but known_hosts has SHA256:old \(\/kh:1\)\./);
  assert.match(changed.message, /"ssh-keygen -R '\[build\.example\.com\]:2222' -f \/home\/dev\/\.ssh\/known_hosts"/);
});

test('an alias that needs a jump host is refused as unsupported, not tried directly', () => {
  const e = unsupportedConfigError({ ...T, alias: 'inner', unsupported: ['ProxyJump'] });
  assert.equal(e.code, 'unsupported');
  assert.match(e.message, /"inner" uses ProxyJump, which the SSH runtime does not support yet/);
});
