import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blobKeyType,
  entryMatches,
  fingerprintSha256,
  hashKnownHostsName,
  knownHostsName,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  verifyHostKey,
} from '../../../src/runtimes/ssh/knownHosts';

// Vectors made with the real OpenSSH tools (ssh-keygen 9.2), not with the code under test:
// `ssh-keygen -t ed25519`, `ssh-keygen -lf`, and `ssh-keygen -H` of a two-line known_hosts
// ("[build.example.com]:2222 KEY" then "build.example.com KEY").
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAINxEgXx47HQsDGh/RkyY1ivJLqpUZqrGZRvABLgkAHvS';
const ED_FP = 'SHA256:xHrXGaN9XhBUzP+jgJVg1w3t1zwzHnN9tyW+tEw1fBM';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQC62sCplQvEdzkmiHwqOcFVces6NyPves18mEZMiSJp+VQ7imE30dSirZxWEE9N8vxXoMapRqVhte/IqoFMyI+SbLdy+czvW7+xgYlDfkP+rpgd7LamUxMnXjqSLP3Vcq7LhT5KgwSG7yMBNvoAIi6Al3ovczbzYsYmv5Kq+ZN5mw==';
const RSA_FP = 'SHA256:bJNOUsOKIut3ZI2He5lPQ4zXeC353CYSS9G7CrawhmE';
const HASHED_2222 = '|1|3MIcr2rCRzGKR7XRRoywp06HNQg=|W+u5Yjjv+97z2Dr/KmNWj27pnxk=';
const HASHED_22 = '|1|cNC/0HizjmrbN37J0DdMpsMKCGw=|19a0hlaw2bTHzm5LY3z910jBLRg=';
const edKey = Buffer.from(ED, 'base64');
const rsaKey = Buffer.from(RSA, 'base64');

test('fingerprints match ssh-keygen -l', () => {
  assert.equal(fingerprintSha256(edKey), ED_FP);
  assert.equal(fingerprintSha256(rsaKey), RSA_FP);
  assert.equal(blobKeyType(edKey), 'ssh-ed25519');
  assert.equal(blobKeyType(rsaKey), 'ssh-rsa');
});

test('known_hosts names: bare host on port 22, [host]:port otherwise, lowercased', () => {
  assert.equal(knownHostsName('Build.Example.com', 22), 'build.example.com');
  assert.equal(knownHostsName('10.0.0.5', 2222), '[10.0.0.5]:2222');
});

test('parses plain, bracketed, marked and comment lines; skips malformed ones', () => {
  const text = [
    '# comment',
    '',
    `build.example.com,10.0.0.5 ssh-ed25519 ${ED} user@laptop`,
    `[build.example.com]:2222 ssh-rsa ${RSA}`,
    `@revoked old.example.com ssh-rsa ${RSA}`,
    `@cert-authority *.example.com ssh-ed25519 ${ED}`,
    `@bogus x ssh-ed25519 ${ED}`,
    'truncated-line ssh-ed25519',
    `mismatch ssh-rsa ${ED}`,
    `  indented.example.com\tssh-ed25519\t${ED}`,
  ].join('\n');
  const entries = parseKnownHosts(text, 'kh');
  assert.deepEqual(
    entries.map((e) => [e.line, e.marker, e.patterns, e.keyType]),
    [
      [3, undefined, ['build.example.com', '10.0.0.5'], 'ssh-ed25519'],
      [4, undefined, ['[build.example.com]:2222'], 'ssh-rsa'],
      [5, 'revoked', ['old.example.com'], 'ssh-rsa'],
      [6, 'cert-authority', ['*.example.com'], 'ssh-ed25519'],
      [10, undefined, ['indented.example.com'], 'ssh-ed25519'],
    ],
  );
  assert.ok(entries[0]!.key.equals(edKey));
  assert.equal(entries[0]!.source, 'kh');
});

test('hashed entries written by ssh-keygen -H match their host and port only', () => {
  const [h2222, h22] = parseKnownHosts(`${HASHED_2222} ssh-ed25519 ${ED}\n${HASHED_22} ssh-ed25519 ${ED}\n`);
  assert.ok(entryMatches(h2222!, knownHostsName('build.example.com', 2222)));
  assert.ok(!entryMatches(h2222!, knownHostsName('build.example.com', 22)));
  assert.ok(!entryMatches(h2222!, knownHostsName('build.example.com', 2223)));
  assert.ok(entryMatches(h22!, knownHostsName('BUILD.example.com', 22)));
  assert.ok(!entryMatches(h22!, knownHostsName('other.example.com', 22)));
  // Our hashing reproduces ssh-keygen's for the same salt.
  const salt = Buffer.from('3MIcr2rCRzGKR7XRRoywp06HNQg=', 'base64');
  assert.equal(hashKnownHostsName('[build.example.com]:2222', salt), HASHED_2222);
});

test('a non-22 port needs the [host]:port form; plain names match only port 22', () => {
  const [plain, bracketed] = parseKnownHosts(`box ssh-ed25519 ${ED}\n[box]:2200 ssh-ed25519 ${ED}\n`);
  assert.ok(entryMatches(plain!, knownHostsName('box', 22)));
  assert.ok(!entryMatches(plain!, knownHostsName('box', 2200)));
  assert.ok(entryMatches(bracketed!, knownHostsName('box', 2200)));
  assert.ok(!entryMatches(bracketed!, knownHostsName('box', 22)));
});

test('wildcards and negation', () => {
  const [e] = parseKnownHosts(`*.example.com,!secret.example.com,[10.0.0.?]:2222 ssh-ed25519 ${ED}\n`);
  assert.ok(entryMatches(e!, 'a.example.com'));
  assert.ok(!entryMatches(e!, 'secret.example.com'));
  assert.ok(!entryMatches(e!, 'example.com'));
  assert.ok(entryMatches(e!, '[10.0.0.7]:2222'));
  assert.ok(!entryMatches(e!, '[10.0.0.17]:2222'));
});

test('verdicts: trusted, unknown, changed, revoked, other key types known', () => {
  const entries = parseKnownHosts(
    [
      `[build.example.com]:2222 ssh-ed25519 ${ED}`,
      `${HASHED_22} ssh-rsa ${RSA}`,
      `@revoked bad.example.com ssh-ed25519 ${ED}`,
    ].join('\n'),
    '/home/u/.ssh/known_hosts',
  );
  assert.equal(verifyHostKey(entries, 'build.example.com', 2222, edKey).kind, 'trusted');

  const unknown = verifyHostKey(entries, 'new.example.com', 22, edKey);
  assert.deepEqual(unknown, { kind: 'unknown', fingerprint: ED_FP, keyType: 'ssh-ed25519', otherTypes: [] });

  // Hashed line 2 holds an RSA key for build.example.com:22; the server now shows another RSA key.
  const otherRsa = Buffer.from(rsaKey);
  otherRsa[otherRsa.length - 1] ^= 0xff;
  const changed = verifyHostKey(entries, 'build.example.com', 22, otherRsa);
  assert.equal(changed.kind, 'changed');
  assert.ok(changed.kind === 'changed' && changed.known[0]!.fingerprint === RSA_FP && changed.known[0]!.entry.line === 2);

  // Only an RSA key is known for it but the server presents ED25519.
  const otherType = verifyHostKey(entries, 'build.example.com', 22, edKey);
  assert.deepEqual(otherType, { kind: 'unknown', fingerprint: ED_FP, keyType: 'ssh-ed25519', otherTypes: ['ssh-rsa'] });

  assert.equal(verifyHostKey(entries, 'bad.example.com', 22, edKey).kind, 'revoked');
});

test('cert-authority lines never count as host keys', () => {
  const entries = parseKnownHosts(`@cert-authority *.example.com ssh-ed25519 ${ED}\n`);
  assert.equal(verifyHostKey(entries, 'a.example.com', 22, edKey).kind, 'unknown');
});

test('host key algorithms of known keys are asked for first', () => {
  const entries = parseKnownHosts(`box ssh-rsa ${RSA}\nbox ssh-ed25519 ${ED}\nother ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY=\n`);
  assert.deepEqual(preferredHostKeyAlgorithms(entries, 'box', 22), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  assert.deepEqual(preferredHostKeyAlgorithms(entries, 'box', 2222), []);
});
