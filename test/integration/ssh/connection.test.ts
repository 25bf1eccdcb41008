// One SSH connection per host, counted in sshd's own log: shared by every command, joined
// by concurrent callers, re-opened after a drop, bounded by the server's MaxSessions,
// closed on dispose.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { SshRuntime } from '../../../src/runtimes/ssh';
import { startSshServer, type SshServer } from '../../support/sshServer';
import { eventually, executorOf, killTmuxServer, sshRuntime, stopAndCheck, uniqueSocket } from './sshHarness';

let srv: SshServer;
const sockets: string[] = [];
const runtimes: SshRuntime[] = [];

function runtime(opts: Parameters<typeof sshRuntime>[2] = {}, server = srv): SshRuntime {
  const socket = uniqueSocket(import.meta.filename);
  sockets.push(socket);
  const rt = sshRuntime(server, socket, opts);
  runtimes.push(rt);
  return rt;
}

before(async () => {
  srv = await startSshServer();
});

after(async () => {
  for (const rt of runtimes) rt.dispose();
  for (const s of sockets) await killTmuxServer(s);
  await stopAndCheck(srv);
});

/** The remote processes running `argv` exactly, among the sshd's descendants. */
function runningCommand(server: SshServer, argv: string[]): number | undefined {
  const want = argv.join('\0');
  return server.connectionPids().find((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0$/, '') === want;
    } catch {
      return false;
    }
  });
}

describe('SSH runtime: one shared connection', { timeout: 120_000 }, () => {
  test('many commands, sequential and concurrent, ride one connection', async (t) => {
    const rt = runtime();
    const before = srv.acceptedCount();
    // Concurrent first callers wait for the same connect.
    await Promise.all(Array.from({ length: 5 }, () => rt.ping()));
    for (let i = 0; i < 10; i++) await rt.listAgents();
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, () => rt.listAgents()));
    t.diagnostic(`20 concurrent listAgents over one connection: ${(performance.now() - started).toFixed(0)} ms`);
    const r = await executorOf(rt).exec(['sh', '-c', 'printf %s "$1"', '_', "it's $(not run) `either`"]);
    assert.deepEqual(r, { stdout: "it's $(not run) `either`", stderr: '', exitCode: 0 });
    assert.equal(await srv.waitForAccepted(before + 1), before + 1);
    // Give a stray second connection time to show in the log before counting for good.
    await rt.ping();
    assert.equal(srv.acceptedCount(), before + 1, 'exactly one SSH connection was opened');
    assert.equal(rt.sshConnection.connectCount, 1);
  });

  test('exit codes, stderr, stdin and 127 for a missing program come back as on a local exec', async () => {
    const ex = executorOf(runtime());
    assert.deepEqual(await ex.exec(['sh', '-c', 'echo out; echo err >&2; exit 7']), { stdout: 'out\n', stderr: 'err\n', exitCode: 7 });
    const input = 'line 1\nünï 🚀\n' + 'x'.repeat(200_000);
    const echoed = await ex.exec(['cat'], { input });
    assert.equal(echoed.stdout, input);
    const missing = await ex.exec(['no-such-program-4f2a', '--help']);
    assert.equal(missing.exitCode, 127);
    assert.match(missing.stderr, /no-such-program-4f2a.*not found/);
    const slow = ex.exec(['sleep', '31'], { timeoutMs: 1_000 });
    await eventually('sleep 31 to run on the host', async () => runningCommand(srv, ['sleep', '31']));
    await assert.rejects(slow, (e) => isTmuxAgentsError(e, 'timeout') && /"sleep 31" on ssh host .* did not finish within 1000 ms/.test(e.message));
    // The channel was closed with a KILL signal request. OpenSSH delivers it only to
    // sessions running under privilege separation, which it turns off after a root login:
    // as root (these machines) sshd logs its refusal, as anyone else the command dies.
    if (srv.user === 'root') {
      await eventually('sshd to receive the signal request', async () => (/session_signal_req: session signalling requires privilege separation/.test(srv.log()) ? true : undefined));
    } else {
      await eventually('the timed-out command to be killed on the host', async () => (runningCommand(srv, ['sleep', '31']) === undefined ? true : undefined));
    }
    assert.equal((await ex.exec(['true'])).exitCode, 0, 'the connection is still usable');
  });

  test('the connection dropped mid-command: that command fails clearly, the next one reconnects', async () => {
    const rt = runtime();
    const ex = executorOf(rt);
    await rt.ping();
    const accepted = srv.acceptedCount();
    const running = ex.exec(['sleep', '32']);
    await eventually('sleep 32 to run on the host', async () => runningCommand(srv, ['sleep', '32']));
    assert.ok(srv.dropConnections() > 0);
    await assert.rejects(running, (e) => {
      assert.ok(isTmuxAgentsError(e, 'runtime-unreachable'), String(e));
      assert.match(e.message, /The SSH connection to .*@127\.0\.0\.1:\d+ was lost while running "sleep 32"/);
      return true;
    });
    await rt.ping();
    assert.deepEqual(await rt.listAgents(), []);
    assert.equal(rt.sshConnection.connectCount, 2);
    assert.equal(await srv.waitForAccepted(accepted + 1), accepted + 1);
  });

  test('the connection dropped while idle: the next command goes through without an error', async () => {
    const rt = runtime();
    await rt.ping();
    for (let i = 0; i < 3; i++) {
      assert.ok(srv.dropConnections() > 0);
      // No waiting for the client to notice: the command either finds the connection gone
      // or has its channel request fail on it, and then runs on a fresh one.
      await rt.ping();
    }
    assert.equal(rt.sshConnection.connectCount, 4);
  });

  test('dispose closes the connection; later commands fail saying so', async () => {
    const rt = runtime();
    const others = new Set(srv.connectionPids());
    await rt.ping();
    const serving = srv.connectionPids().filter((p) => !others.has(p));
    assert.ok(serving.length > 0, 'sshd forked processes for the connection');
    rt.dispose();
    await eventually('sshd to end the connection processes', async () => (serving.every((p) => !srv.connectionPids().includes(p)) ? true : undefined));
    assert.equal(rt.sshConnection.connected, false);
    await assert.rejects(rt.ping(), (e) => isTmuxAgentsError(e, 'runtime-unreachable') && /was closed/.test(e.message));
  });
});

describe('SSH runtime: channel limit', { timeout: 120_000 }, () => {
  let limited: SshServer | undefined;
  after(() => stopAndCheck(limited));

  test('more concurrent commands than MaxSessions wait their turn instead of failing', async () => {
    limited = await startSshServer({ extraConfig: ['MaxSessions 2'] });
    const rt = runtime({ maxChannels: 10 }, limited);
    const ex = executorOf(rt);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => ex.exec(['sh', '-c', 'sleep 0.1; printf %s "$1"', '_', `job ${i}`])));
    assert.deepEqual(results.map((r) => r.stdout), Array.from({ length: 12 }, (_, i) => `job ${i}`));
    assert.ok(results.every((r) => r.exitCode === 0));
    assert.equal(limited.acceptedCount(), 1);
    // sshd refused the third channel; that is the limit from then on.
    assert.match(limited.log(), /no more sessions/);
  });
});
