// Each way of failing to reach a host gives its own clear error, against a real sshd:
// wrong key, unknown / changed / hashed host keys, a stopped server, a host without tmux.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isTmuxAgentsError, type TmuxAgentsError } from '../../../src/core/errors';
import type { SshRuntime } from '../../../src/runtimes/ssh';
import { generateKey, startSshServer, type SshServer } from '../../support/sshServer';
import { killTmuxServer, makeTempDir, removeDir, sshRuntime, stopAndCheck, uniqueSocket } from './sshHarness';

const run = promisify(execFile);
let srv: SshServer;
let dir: string;
const runtimes: SshRuntime[] = [];
const sockets: string[] = [];

function runtime(opts: Parameters<typeof sshRuntime>[2] = {}, server = srv): SshRuntime {
  const socket = uniqueSocket(import.meta.filename);
  sockets.push(socket);
  const rt = sshRuntime(server, socket, opts);
  runtimes.push(rt);
  return rt;
}

before(async () => {
  srv = await startSshServer();
  dir = makeTempDir('errors');
});

after(async () => {
  for (const rt of runtimes) rt.dispose();
  for (const s of sockets) await killTmuxServer(s);
  removeDir(dir);
  await stopAndCheck(srv);
});

async function failure(rt: SshRuntime): Promise<TmuxAgentsError> {
  try {
    await rt.ping();
  } catch (e) {
    assert.ok(isTmuxAgentsError(e), `expected a TmuxAgentsError, got ${String(e)}`);
    return e;
  }
  throw new Error('ping succeeded but should have failed');
}

/** `ssh-keygen -lf` of the server's host key: the fingerprint a user would compare. */
async function hostFingerprint(server: SshServer): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-lf', `${server.hostKeyPath}.pub`]);
  return stdout.split(' ')[1]!;
}

describe('SSH runtime: distinct, actionable errors', { timeout: 120_000 }, () => {
  test('a key the server does not accept: auth-failed naming the user, host, port and key', async () => {
    const wrongKey = join(dir, 'wrong_key');
    await generateKey(wrongKey);
    const accepted = srv.acceptedCount();
    const e = await failure(runtime({ identityFile: wrongKey }));
    assert.equal(e.code, 'auth-failed');
    assert.ok(e.message.startsWith(`SSH authentication failed for ${srv.user}@127.0.0.1:${srv.port}: the server accepted none of: key ${wrongKey}, ssh-agent not used (useAgent is false).`), e.message);
    assert.match(e.message, new RegExp(`ssh-copy-id -i ${wrongKey}\\.pub -p ${srv.port} ${srv.user}@127\\.0\\.0\\.1`));
    assert.equal(srv.acceptedCount(), accepted);
  });

  test('a passphrase-protected key or a missing key file is reported, not silently skipped', async () => {
    const locked = join(dir, 'locked_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret passphrase', '-f', locked]);
    const e = await failure(runtime({ identityFile: locked }));
    assert.equal(e.code, 'auth-failed');
    assert.match(e.message, /there was no key to offer/);
    assert.ok(e.message.includes(`key ${locked} (protected by a passphrase: load it into ssh-agent with ssh-add)`), e.message);
    assert.ok(!e.message.includes('secret passphrase'));

    const missing = await failure(runtime({ identityFile: join(dir, 'no_such_key') }));
    assert.equal(missing.code, 'auth-failed');
    assert.ok(missing.message.includes(`key ${join(dir, 'no_such_key')} (file not found)`), missing.message);
  });

  test('an unknown host key: host-key error with the SHA256 fingerprint and how to trust it; following it works', async () => {
    const kh = join(dir, 'known_hosts_unknown');
    await writeFile(kh, `[127.0.0.1]:1 ${srv.hostPublicKey}\nother.example.com ${srv.hostPublicKey}\n`);
    const accepted = srv.acceptedCount();
    const rt = runtime({ knownHostsPath: kh });
    const e = await failure(rt);
    const fp = await hostFingerprint(srv);
    assert.equal(e.code, 'host-key');
    assert.ok(e.message.includes(`The SSH host key of 127.0.0.1:${srv.port} is not trusted yet: the server presented ED25519 key ${fp}, which is not in ${kh}. Not connecting.`), e.message);
    const keyscan = `ssh-keyscan -p ${srv.port} 127.0.0.1 >> ${kh}`;
    assert.ok(e.message.includes(keyscan), e.message);
    assert.ok(e.message.includes(`ssh -p ${srv.port} ${srv.user}@127.0.0.1`), e.message);
    assert.equal(srv.acceptedCount(), accepted, 'nothing was sent to an unverified server');

    // Do what the message says, with the real ssh-keyscan: now the same runtime connects.
    await run('sh', ['-c', keyscan]);
    await rt.ping();
  });

  test('a changed host key: a louder host-key error naming the old entry', async () => {
    const impostorKey = join(dir, 'impostor');
    await generateKey(impostorKey);
    const { stdout: impostorFp } = await run('ssh-keygen', ['-lf', `${impostorKey}.pub`]);
    const pub = (await run('cat', [`${impostorKey}.pub`])).stdout.split(' ').slice(0, 2).join(' ');
    const kh = join(dir, 'known_hosts_changed');
    await writeFile(kh, `# first line\n[127.0.0.1]:${srv.port} ${pub}\n`);
    const e = await failure(runtime({ knownHostsPath: kh }));
    assert.equal(e.code, 'host-key');
    assert.match(e.message, new RegExp(`^WARNING: THE SSH HOST KEY OF 127\\.0\\.0\\.1:${srv.port} HAS CHANGED\\.`));
    assert.ok(e.message.includes(`The server presented ED25519 key ${await hostFingerprint(srv)}, but known_hosts has ${impostorFp.split(' ')[1]} (${kh}:2)`), e.message);
    assert.match(e.message, /man-in-the-middle/);
    assert.ok(e.message.includes(`ssh-keygen -R '[127.0.0.1]:${srv.port}' -f ${kh}`), e.message);
  });

  test('a known_hosts hashed by ssh-keygen -H is honoured', async () => {
    const kh = join(dir, 'known_hosts_hashed');
    await writeFile(kh, `[127.0.0.1]:${srv.port} ${srv.hostPublicKey}\n`);
    await run('ssh-keygen', ['-H', '-f', kh]);
    assert.match((await run('cat', [kh])).stdout, /^\|1\|/);
    await runtime({ knownHostsPath: kh }).ping();
  });

  test('a failing host does not affect another runtime on a working one', async () => {
    const bad = runtime({ id: 'bad', identityFile: join(dir, 'wrong_key') });
    const good = runtime({ id: 'good' });
    const [b, g] = await Promise.allSettled([bad.ping(), good.ping()]);
    assert.equal(b.status, 'rejected');
    assert.equal(g.status, 'fulfilled');
    assert.deepEqual(await good.listAgents(), []);
  });

  test('tmux missing on the host: tmux-not-installed, not a connection error', async () => {
    // An honest stand-in for a host without tmux: sshd runs every command with a PATH
    // that has no tmux in it, the way a host without the package looks to us.
    const noTmuxDir = join(dir, 'empty-bin');
    await run('mkdir', ['-p', noTmuxDir]);
    const wrapper = join(dir, 'no-tmux-shell');
    await writeFile(wrapper, `#!/bin/sh\nPATH=${noTmuxDir}\nexport PATH\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n`);
    await chmod(wrapper, 0o755);
    const bare = await startSshServer({ extraConfig: [`ForceCommand ${wrapper}`] });
    try {
      const rt = runtime({}, bare);
      const e = await failure(rt);
      assert.equal(e.code, 'tmux-not-installed');
      assert.equal(e.message, `tmux is not installed on ssh host ${bare.user}@127.0.0.1:${bare.port}. Install tmux (e.g. "apt-get install tmux" or "brew install tmux") and try again.`);
      await assert.rejects(
        rt.spawnAgent({ agentId: 'no-tmux', aiProvider: 'custom', customCommand: 'true', workingDirectory: dir }),
        (err) => isTmuxAgentsError(err, 'tmux-not-installed'),
      );
    } finally {
      await stopAndCheck(bare);
    }
  });

  test('a stopped sshd: runtime-unreachable with host:port, after bounded retries', async () => {
    const doomed = await startSshServer();
    const rt = runtime({}, doomed);
    await rt.ping();
    await stopAndCheck(doomed);
    const started = Date.now();
    const e = await failure(rt);
    const took = Date.now() - started;
    assert.equal(e.code, 'runtime-unreachable');
    assert.equal(
      e.message,
      `Cannot reach the SSH server at 127.0.0.1:${doomed.port} for ${doomed.user} (3 attempts): connection refused: nothing is listening on that port. ` +
        `Check that the host is up and sshd listens on port ${doomed.port}; try "ssh -p ${doomed.port} ${doomed.user}@127.0.0.1" in a terminal.`,
    );
    // Backoff 250 ms then 500 ms between the three attempts: bounded, not a hang.
    assert.ok(took >= 700 && took < 5_000, `took ${took} ms`);
  });
});
