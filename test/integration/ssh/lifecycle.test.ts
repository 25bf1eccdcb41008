// The agent lifecycle on a real OpenSSH server: spawn, list, capture, byte-exact task
// delivery, kill, cleanup after a failed spawn, and the attach command in a real pty.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import type { SshRuntime } from '../../../src/runtimes/ssh';
import { deliverTask } from '../../../src/tmux/agentSession';
import { TRICKY_TASKS, readAgentLog, waitForMessages } from '../../support/fakeAgent';
import { startSshServer, type SshServer } from '../../support/sshServer';
import { eventually, fakeAgentConfig, killTmuxServer, makeTempDir, removeDir, sshRuntime, stopAndCheck, uniqueSocket } from './sshHarness';

const SOCKET = uniqueSocket(import.meta.filename);
const PWNED = ['/tmp/pwned-by-task', '/tmp/pwned-by-backtick'];
let srv: SshServer;
let rt: SshRuntime;
let dir: string;
let pwnedBefore: boolean[];

before(async () => {
  srv = await startSshServer();
  dir = makeTempDir('lifecycle');
  rt = sshRuntime(srv, SOCKET);
  pwnedBefore = PWNED.map((p) => existsSync(p));
});

after(async () => {
  rt?.dispose();
  await killTmuxServer(SOCKET);
  removeDir(dir);
  await stopAndCheck(srv);
});

describe('SSH runtime: agent lifecycle', { timeout: 120_000 }, () => {
  test('ping connects and runs tmux -V; a second ping reuses the connection', async (t) => {
    let started = performance.now();
    await rt.ping();
    const connectMs = performance.now() - started;
    started = performance.now();
    await rt.ping();
    const reusedMs = performance.now() - started;
    t.diagnostic(`connect + tmux -V: ${connectMs.toFixed(0)} ms; tmux -V over the open connection: ${reusedMs.toFixed(0)} ms`);
    assert.equal(rt.sshConnection.connectCount, 1);
    assert.equal(await srv.waitForAccepted(1), 1);
    assert.equal(rt.where, `ssh host ${srv.user}@127.0.0.1:${srv.port}`);
  });

  test('spawn with a task, list, capture, every tricky text byte-exact, kill', async (t) => {
    const log = join(dir, 'agent.jsonl');
    const [firstName, first] = Object.entries(TRICKY_TASKS)[0]!;
    let started = performance.now();
    const handle = await rt.spawnAgent(fakeAgentConfig('ssh-agent-1', { log, cwd: dir, task: first }));
    t.diagnostic(`spawn (session, labels, CLI ready, task delivered): ${(performance.now() - started).toFixed(0)} ms`);
    assert.deepEqual(handle, { runtimeType: 'ssh', runtimeId: 'ssh-test', agentId: 'ssh-agent-1', sessionName: 'ta-ssh-agent-1', data: {} });
    assert.deepEqual(await waitForMessages(log, 1), [first], `task ${firstName}`);
    assert.equal(readAgentLog(log).find((e) => e.event === 'started')?.cwd, dir);

    started = performance.now();
    const agents = await rt.listAgents();
    t.diagnostic(`listAgents over the open connection: ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(agents.length, 1);
    const [info] = agents;
    assert.deepEqual(info!.handle, handle);
    assert.equal(info!.status, 'running');
    assert.equal(info!.provider, 'custom');
    assert.equal(info!.workingDirectory, dir);
    assert.equal(info!.taskSummary, first.replace(/\s+/g, ' ').trim());

    const tmux = rt.getTmux(handle);
    const screen = await tmux.capturePane(handle.sessionName);
    assert.match(screen, /Fake agent 1\.0 \(test double\)/);
    assert.match(screen, /fake-agent> /);

    const rest = Object.entries(TRICKY_TASKS).slice(1);
    for (const [, text] of rest) await deliverTask(tmux, handle.sessionName, text);
    const got = await waitForMessages(log, 1 + rest.length, 20_000);
    for (const [i, [name, text]] of rest.entries()) {
      assert.equal(got[i + 1], text, `task "${name}" arrived byte-exact`);
    }
    PWNED.forEach((p, i) => assert.equal(existsSync(p), pwnedBefore[i], `${p} was not created by a task`));

    await rt.killAgent(handle);
    assert.deepEqual(await rt.listAgents(), []);
    await assert.rejects(rt.killAgent(handle), (e) => isTmuxAgentsError(e, 'agent-not-found'));
    // Everything above ran over the connection the first test opened.
    assert.equal(rt.sshConnection.connectCount, 1);
    assert.equal(srv.acceptedCount(), 1);
  });

  test('a spawn that fails leaves no session; bad input creates nothing', async () => {
    const log = join(dir, 'dies.jsonl');
    await assert.rejects(
      rt.spawnAgent(fakeAgentConfig('ssh-dies', { log, cwd: dir, task: 'x', args: ['--no-prompt', '--exit-after', '100'] })),
      (e) => {
        assert.ok(isTmuxAgentsError(e, 'spawn-failed'), String(e));
        // The status shows when tmux has recorded it by then; the output always does.
        assert.match(e.message, /exited (with status 3 )?before it was ready/);
        assert.match(e.message, /fatal: fake agent giving up/);
        assert.ok(e.message.includes(`on ${rt.where}`), e.message);
        return true;
      },
    );
    assert.equal(await rt.getTmux({ runtimeType: 'ssh', runtimeId: rt.id, agentId: 'ssh-dies', sessionName: 'ta-ssh-dies', data: {} }).hasSession('ta-ssh-dies'), false);

    await assert.rejects(
      rt.spawnAgent(fakeAgentConfig('ssh-nodir', { log, cwd: join(dir, "no such dir $(touch /tmp/pwned-by-task)"), task: 'x' })),
      (e) => {
        assert.ok(isTmuxAgentsError(e, 'invalid-input'), String(e));
        assert.match(e.message, /Working directory ".*no such dir \$\(touch \/tmp\/pwned-by-task\)" does not exist on ssh host /);
        return true;
      },
    );
    await assert.rejects(rt.spawnAgent(fakeAgentConfig('Bad Id', { log, cwd: dir })), (e) => isTmuxAgentsError(e, 'invalid-input'));
    assert.deepEqual(await rt.listAgents(), []);
    assert.equal(existsSync('/tmp/pwned-by-task'), pwnedBefore[0]);
  });

  test('the attach command, run in a real pty, shows the remote pane', async () => {
    await attachShowsAgent(rt, 'ssh-attach');
  });

  test('a Host alias from an ssh config file: ssh2 and the real ssh client both follow it', async () => {
    const config = join(dir, 'ssh_config');
    writeFileSync(config, [
      'Host other',
      '  Port 1',
      `Host test-box`,
      '  HostName 127.0.0.1',
      `  Port ${srv.port}`,
      `  User ${srv.user}`,
      `  IdentityFile ${srv.userKeyPath}`,
      `  UserKnownHostsFile ${srv.knownHostsPath}`,
      '  BatchMode yes',
      'Host *',
      '  Port 2',
    ].join('\n') + '\n');
    const aliased = sshRuntime(srv, SOCKET, { id: 'ssh-test', host: undefined, port: undefined, user: undefined, identityFile: undefined, knownHostsPath: undefined, alias: 'test-box', sshConfigPath: config });
    try {
      assert.equal(aliased.label, 'ssh: test-box');
      await aliased.ping();
      assert.equal(aliased.where, `ssh host ${srv.user}@127.0.0.1:${srv.port}`);
      assert.deepEqual(aliased.getAttachCommand({ runtimeType: 'ssh', runtimeId: 'ssh-test', agentId: 'a', sessionName: 'ta-a', data: {} }).argv, [
        'ssh', '-t', '-F', config, 'test-box', '--', `tmux -u -L ${SOCKET} attach-session -t =ta-a`,
      ]);
      await attachShowsAgent(aliased, 'ssh-alias');
    } finally {
      aliased.dispose();
    }
  });
});

/** Spawns an agent, runs the runtime's attach argv in a real pty and checks the agent's screen shows there. */
async function attachShowsAgent(runtime: SshRuntime, agentId: string): Promise<void> {
  const log = join(dir, `${agentId}.jsonl`);
  const handle = await runtime.spawnAgent(fakeAgentConfig(agentId, { log, cwd: dir, task: 'visible over attach' }));
  await waitForMessages(log, 1);
  const { argv } = runtime.getAttachCommand(handle);
  assert.equal(argv[0], 'ssh');
  // A terminal of our own: a local tmux server on its own socket runs the argv in a pty.
  const term = uniqueSocket(import.meta.filename);
  const local = new LocalProcessExecutor();
  try {
    const r = await local.exec(['tmux', '-L', term, 'new-session', '-d', '-s', 'term', '-x', '120', '-y', '40', '--', ...argv], { timeoutMs: 10_000 });
    assert.equal(r.exitCode, 0, r.stderr);
    let last = '';
    const screen = await eventually('the remote pane in the local terminal', async () => {
      const c = await local.exec(['tmux', '-L', term, 'capture-pane', '-p', '-t', '=term:'], { timeoutMs: 5_000 });
      last = c.stdout + c.stderr;
      return /received 19 bytes/.test(c.stdout) ? c.stdout : undefined;
    }, 15_000).catch((e: Error) => {
      throw new Error(`${e.message}; the terminal showed:\n${last}`);
    });
    // The agent's screen, and the remote tmux's status line naming the agent's session
    // (cut to status-left-length, 10 characters by default).
    assert.match(screen, /Fake agent 1\.0 \(test double\)\nfake-agent> \[pasted 19 bytes\]\nreceived 19 bytes\nfake-agent>/);
    assert.match(screen, new RegExp(`^\\[${handle.sessionName.slice(0, 9)}`, 'm'));
    // The ssh client really attached: the remote tmux server lists a client on that session.
    const clients = await runtime.getTmux(handle).run(['list-clients', '-F', '#{client_session}']);
    assert.match(clients, new RegExp(`^${handle.sessionName}$`, 'm'));
  } finally {
    await killTmuxServer(term);
    await runtime.killAgent(handle).catch(() => undefined);
  }
}

