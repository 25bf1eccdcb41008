// Spawns that fail leave nothing behind, and say why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { readAgentLog, waitForMessages } from '../../support/fakeAgent';
import { agentStatus, fakeAgentConfig, killTmuxServer, localRuntime, makeTempDir, rawTmux, removeDir, tmuxSocketPath, uniqueSocket } from './localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
// A server that must never be started: spawns rejected up front create nothing at all.
const UNTOUCHED_SOCKET = uniqueSocket(import.meta.filename, '-untouched');
let dir: string;
let runtime: LocalRuntime;

before(() => {
  dir = makeTempDir('failures');
  runtime = localRuntime(SOCKET);
});

after(async () => {
  await killTmuxServer(SOCKET);
  await killTmuxServer(UNTOUCHED_SOCKET);
  removeDir(dir);
});

async function assertNoSession(agentId: string): Promise<void> {
  assert.equal(await rawTmux(SOCKET).hasSession(`ta-${agentId}`), false, `session ta-${agentId} is gone`);
  assert.equal(await agentStatus(runtime, agentId), undefined, `${agentId} is not listed`);
}

describe('failed spawns', () => {
  test('the CLI exits before it is ready: spawn-failed with its output; nothing left', async () => {
    const log = join(dir, 'dies.jsonl');
    await assert.rejects(
      runtime.spawnAgent(fakeAgentConfig('dies-1', { log, cwd: dir, task: 'never delivered', args: ['--no-prompt', '--exit-after', '100'] })),
      (e) => {
        assert.ok(isTmuxAgentsError(e, 'spawn-failed'), String(e));
        // tmux 3.3a records the exit status only when it reaps the child before the pty closes.
        assert.match(e.message, /exited( with status 3)? before it was ready/);
        // The first line: tmux scrolls it off the screen to print "Pane is dead".
        assert.match(e.message, /Its last output:\nFake agent 1\.0 \(test double\)\n/);
        assert.doesNotMatch(e.message, /Pane is dead/);
        return true;
      },
    );
    await assertNoSession('dies-1');
    assert.equal(readAgentLog(log).filter((e) => e.event === 'message').length, 0);
  });

  test('the command does not exist: spawn-failed with its output; nothing left', async () => {
    // The CLI's last words can be lost: tmux 3.3a may reap a child that exits at once before
    // reading its final output. Output written a moment earlier is always there.
    const cfg = { ...fakeAgentConfig('nocmd-1', { log: join(dir, 'x.jsonl'), cwd: dir }), customCommand: 'echo "starting my agent"; sleep 0.2; definitely-not-a-command-7f3a --flag' };
    await assert.rejects(runtime.spawnAgent(cfg), (e) => {
      assert.ok(isTmuxAgentsError(e, 'spawn-failed'), String(e));
      assert.match(e.message, /exited( with status 127)? before it was ready/);
      assert.match(e.message, /Its last output:\nstarting my agent\n/);
      return true;
    });
    await assertNoSession('nocmd-1');
  });

  test('never ready: timeout error showing the screen; nothing left', async () => {
    const impatient = localRuntime(SOCKET, { readyTimeoutMs: 600 });
    const started = Date.now();
    await assert.rejects(
      impatient.spawnAgent(fakeAgentConfig('slow-1', { log: join(dir, 'slow.jsonl'), cwd: dir, task: 'x', args: ['--no-prompt'] })),
      (e) => {
        assert.ok(isTmuxAgentsError(e, 'timeout'), String(e));
        assert.match(e.message, /did not become ready within 600 ms \(session ta-slow-1 on this machine\)/);
        assert.match(e.message, /Fake agent 1\.0 \(test double\)/);
        assert.match(e.message, /ready pattern \/fake-agent> \/ never matched/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 3_000);
    await assertNoSession('slow-1');
  });

  test('rejected before anything is created: missing directory, bad id, bad session name, no command, bad env name', async () => {
    const untouched = localRuntime(UNTOUCHED_SOCKET);
    const base = fakeAgentConfig('ok-id', { log: join(dir, 'never.jsonl'), cwd: dir });
    const cases: [string, Parameters<LocalRuntime['spawnAgent']>[0], RegExp][] = [
      ['missing directory', { ...base, workingDirectory: join(dir, 'does not exist') }, /Working directory ".*does not exist" does not exist on this machine/],
      ['empty directory', { ...base, workingDirectory: '' }, /No working directory given/],
      ['uppercase id', { ...base, agentId: 'Bad-Id' }, /Invalid agent id "Bad-Id"/],
      ['unicode id', { ...base, agentId: 'agent-ü' }, /Invalid agent id/],
      ['64-char id', { ...base, agentId: 'a'.repeat(64) }, /Invalid agent id/],
      ['leading dash', { ...base, agentId: '-x' }, /Invalid agent id/],
      ['session name with a format', { ...base, sessionName: `x#(touch ${join(dir, 'pwned-name')})` }, /Invalid tmux session name/],
      ['custom without a command', { ...base, customCommand: '  ' }, /custom provider needs a command line/],
      ['bad env name', { ...base, env: { 'NOT-VALID': 'x' } }, /Invalid environment variable name "NOT-VALID"/],
      ['unknown provider', { ...base, aiProvider: 'nope' }, /Unknown AI provider "nope"/],
    ];
    for (const [what, cfg, message] of cases) {
      await assert.rejects(untouched.spawnAgent(cfg), (e) => isTmuxAgentsError(e, 'invalid-input') && message.test(e.message), what);
    }
    assert.equal(existsSync(tmuxSocketPath(UNTOUCHED_SOCKET)), false, 'no tmux server was even started');
    assert.equal(existsSync(join(dir, 'pwned-name')), false);
    assert.deepEqual(await untouched.listAgents(), []);
  });

  test('duplicate agent id: agent-exists, and the original is untouched', async () => {
    const log = join(dir, 'dup.jsonl');
    const handle = await runtime.spawnAgent(fakeAgentConfig('dup-1', { log, cwd: dir, task: 'original task' }));
    assert.deepEqual(await waitForMessages(log, 1), ['original task']);
    const before = await agentStatus(runtime, 'dup-1');

    const otherLog = join(dir, 'dup-other.jsonl');
    await assert.rejects(
      runtime.spawnAgent(fakeAgentConfig('dup-1', { log: otherLog, cwd: dir, task: 'intruder task' })),
      (e) => isTmuxAgentsError(e, 'agent-exists') && /"ta-dup-1" already exists on Local/.test(e.message),
    );

    assert.deepEqual(await agentStatus(runtime, 'dup-1'), before, 'same labels, status, created time');
    assert.equal(existsSync(otherLog), false, 'the second CLI never started');
    assert.equal(readAgentLog(log).filter((e) => e.event === 'started').length, 1);
    // Still alive and still the same process: it takes another message.
    const tmux = runtime.getTmux(handle);
    await tmux.pasteText(handle.sessionName, 'still here');
    await tmux.sendKeys(handle.sessionName, 'Enter');
    assert.deepEqual(await waitForMessages(log, 2), ['original task', 'still here']);
    await runtime.killAgent(handle);
    await assertNoSession('dup-1');
  });
});
