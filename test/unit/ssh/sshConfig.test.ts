import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostPatternsMatch, parseConfigLine, resolveSshConfig, type SshConfigFs } from '../../../src/runtimes/ssh/sshConfig';

const HOME = '/home/dev';

function memFs(files: Record<string, string>): SshConfigFs {
  return {
    readFile: async (p) => files[p],
    readDir: async (dir) => Object.keys(files).filter((f) => f.startsWith(`${dir}/`) && !f.slice(dir.length + 1).includes('/')).map((f) => f.slice(dir.length + 1)),
  };
}

const resolve = (alias: string, text: string, extra: Record<string, string> = {}) =>
  resolveSshConfig(alias, { home: HOME, localUser: 'dev', fs: memFs({ [`${HOME}/.ssh/config`]: text, ...extra }) });

test('config lines: "Key value", "Key=value", quoted arguments, trailing comments', () => {
  assert.deepEqual(parseConfigLine('  HostName box.example.com'), { keyword: 'hostname', args: ['box.example.com'] });
  assert.deepEqual(parseConfigLine('Port=2222'), { keyword: 'port', args: ['2222'] });
  assert.deepEqual(parseConfigLine('Port = 2222'), { keyword: 'port', args: ['2222'] });
  assert.deepEqual(parseConfigLine('IdentityFile "~/keys/my key"'), { keyword: 'identityfile', args: ['~/keys/my key'] });
  assert.deepEqual(parseConfigLine('Host a b # the boxes'), { keyword: 'host', args: ['a', 'b'] });
  assert.equal(parseConfigLine('# just a comment'), undefined);
  assert.equal(parseConfigLine('   '), undefined);
});

test('Host patterns: globs, negation, case-insensitive', () => {
  assert.ok(hostPatternsMatch(['*'], 'anything'));
  assert.ok(hostPatternsMatch(['web-?', 'db*'], 'web-1'));
  assert.ok(hostPatternsMatch(['web-?', 'db*'], 'DB-main'));
  assert.ok(!hostPatternsMatch(['web-?'], 'web-10'));
  assert.ok(!hostPatternsMatch(['*.corp', '!secret.corp'], 'secret.corp'));
  assert.ok(hostPatternsMatch(['*.corp', '!secret.corp'], 'build.corp'));
  assert.ok(!hostPatternsMatch(['!secret.corp'], 'build.corp'), 'a negation alone matches nothing');
});

test('an alias resolves HostName, Port, User, IdentityFile with ~ expanded', async () => {
  const r = await resolve('gpu', [
    'Host gpu',
    '  HostName gpu.internal.example.com',
    '  Port 2200',
    '  User ml',
    '  IdentityFile ~/.ssh/id_gpu',
    'Host other',
    '  HostName other.example.com',
  ].join('\n'));
  assert.deepEqual(r, {
    hostName: 'gpu.internal.example.com',
    port: 2200,
    user: 'ml',
    identityFiles: [`${HOME}/.ssh/id_gpu`],
    userKnownHostsFiles: undefined,
    unsupported: [],
  });
});

test('first obtained value wins; IdentityFile accumulates; Host * supplies the rest', async () => {
  const r = await resolve('box', [
    'User toplevel',
    'Host box',
    '  Port 2222',
    '  IdentityFile ~/.ssh/first',
    'Host b*',
    '  Port 9999',
    '  HostName from-wildcard',
    '  IdentityFile %d/.ssh/second_%r@%h:%p',
    'Host *',
    '  User everyone',
    '  IdentityFile ~/.ssh/id_default',
  ].join('\n'));
  assert.equal(r.port, 2222);
  assert.equal(r.hostName, 'from-wildcard');
  assert.equal(r.user, 'toplevel', 'lines before the first Host apply to every host and come first');
  assert.deepEqual(r.identityFiles, [`${HOME}/.ssh/first`, `${HOME}/.ssh/second_toplevel@from-wildcard:2222`, `${HOME}/.ssh/id_default`]);
});

test('an alias no Host line matches leaves everything unset', async () => {
  const r = await resolve('nowhere', 'Host box\n  HostName box.example.com\n');
  assert.deepEqual(r, { hostName: undefined, port: undefined, user: undefined, identityFiles: [], userKnownHostsFiles: undefined, unsupported: [] });
});

test('HostName %h is the alias; a missing config file is no error', async () => {
  assert.equal((await resolve('web', 'Host web\n  HostName %h.example.com\n')).hostName, 'web.example.com');
  const none = await resolveSshConfig('web', { home: HOME, localUser: 'dev', fs: memFs({}) });
  assert.equal(none.hostName, undefined);
});

test('Include: relative to ~/.ssh, globs sorted, conditional inside a Host block', async () => {
  const r = await resolve('box', 'Include config.d/*\nHost nope\n  Include never\n', {
    [`${HOME}/.ssh/config.d/20-box`]: 'Host box\n  Port 2020\n',
    [`${HOME}/.ssh/config.d/10-box`]: 'Host box\n  Port 1010\n  User fromten\n',
    [`${HOME}/.ssh/never`]: 'Host *\n  User never\n',
  });
  assert.equal(r.port, 1010);
  assert.equal(r.user, 'fromten');
});

test('Match all applies; other Match blocks are skipped', async () => {
  const r = await resolve('box', 'Match exec "true"\n  User fromexec\nMatch all\n  Port 2022\n');
  assert.equal(r.user, undefined);
  assert.equal(r.port, 2022);
});

test('ProxyJump/ProxyCommand are reported as unsupported, "none" is not', async () => {
  assert.deepEqual((await resolve('j', 'Host j\n  ProxyJump bastion\n')).unsupported, ['ProxyJump']);
  assert.deepEqual((await resolve('j', 'Host j\n  ProxyCommand none\n')).unsupported, []);
});

test('UserKnownHostsFile is read with tokens expanded', async () => {
  const r = await resolve('box', 'Host box\n  UserKnownHostsFile ~/.ssh/kh_%h /etc/kh\n');
  assert.deepEqual(r.userKnownHostsFiles, [`${HOME}/.ssh/kh_box`, '/etc/kh']);
});
