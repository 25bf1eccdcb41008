import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchAgentSession, lastLines, type LaunchSpec } from '../../../src/tmux/agentSession';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { TmuxAgentsError, isTmuxAgentsError } from '../../../src/core/errors';
import { RecordingExecutor, tmuxParseArgv } from './fakeExecutor';
import type { ExecResult } from '../../../src/tmux/executor';

/**
 * A scripted tmux: `screens` are what successive capture-pane calls show (the last one
 * repeats); the pane is dead from capture number `deadFrom` on; any command can be made
 * to fail. Pasting makes the next capture show the pasted text, as a real CLI would.
 * Captures with history (-S) do not advance the script.
 */
function scriptedTmux(script: {
  screens: string[];
  /** Lines scrolled off the top, shown only by captures that ask for history (-S). */
  history?: string;
  deadFrom?: number;
  /** Exit status of the dead pane; 'unknown' when tmux never learnt it. */
  deadStatus?: number | 'unknown';
  fail?: Partial<Record<string, Partial<ExecResult>>>;
}) {
  let captures = 0;
  let pasted = '';
  const one = (cmd: string[], input: string | undefined): Partial<ExecResult> => {
    const failure = script.fail?.[cmd[0]!];
    if (failure) return { exitCode: 1, ...failure };
    switch (cmd[0]) {
      case 'display-message': {
        const dead = script.deadFrom !== undefined && captures >= script.deadFrom;
        const status = !dead || script.deadStatus === 'unknown' ? '' : (script.deadStatus ?? 1);
        return { stdout: `${dead ? 1 : 0}\t${status}\t4242\tnode\t1700000000\n` };
      }
      case 'capture-pane': {
        if (cmd.includes('-S')) return { stdout: (script.history ?? '') + script.screens[Math.min(captures - 1, script.screens.length - 1)]! };
        const screen = script.screens[Math.min(captures, script.screens.length - 1)]!;
        captures++;
        return { stdout: screen + pasted };
      }
      case 'load-buffer':
        pasted = input ?? '';
        return {};
      default:
        return {};
    }
  };
  // Like tmux: the commands of one invocation run in order; the first failure ends it.
  const ex = new RecordingExecutor((argv, input) => {
    let stdout = '';
    for (const cmd of commandsOf(argv)) {
      const r = one(cmd, input);
      stdout += r.stdout ?? '';
      if (r.exitCode) return { ...r, stdout };
    }
    return { stdout };
  });
  return { ex, tmux: new TmuxService(ex, { socketName: 'sock' }) };
}

/** The tmux commands of one call, past `tmux -L sock`. */
const commandsOf = (argv: readonly string[]) => tmuxParseArgv(argv.slice(3));
/** Each call's commands by name, chains joined with ';'. */
const calls = (ex: RecordingExecutor) => ex.calls.map((c) => commandsOf(c.argv).map((cmd) => cmd[0]).join(';'));

const LABELS = { '@tmux-agents': '1', '@tmux-agents.agent-id': 'a1' };

function spec(over: Partial<LaunchSpec> = {}): LaunchSpec {
  return {
    sessionName: 'ta-a1',
    cwd: '/work/dir',
    launch: { argv: ['sh', '-c', 'node fake.mjs'], env: { K: 'v' }, readyPattern: /fake-agent> /m },
    labels: LABELS,
    task: 'do the thing\nsecond line',
    readyTimeoutMs: 2_000,
    ...over,
  };
}

describe('launchAgentSession', () => {
  test('placeholder session, labels and remain-on-exit, the CLI, polling until ready, paste, then Enter', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['', 'Loading...', 'Loading...\nfake-agent> '] });
    await launchAgentSession(tmux, spec());

    // Five round trips when the CLI is ready at the third look: one per line below.
    assert.deepEqual(calls(ex), [
      'new-session;set-option;set-option;set-option;respawn-pane',
      'display-message;capture-pane', // empty screen
      'display-message;capture-pane', // loading
      'display-message;capture-pane', // ready
      'capture-pane;load-buffer;paste-buffer', // the screen before the paste, then the paste
      'capture-pane', // the paste shows
      'send-keys',
    ]);
    const argv = ex.calls.map((c) => c.argv);
    assert.deepEqual(argv[0], [
      'tmux', '-L', 'sock',
      'new-session', '-d', '-s', 'ta-a1', '-c', '/work/dir', '-x', '200', '-y', '50', '--', 'env', 'cat', ';',
      'set-option', '-t', '=ta-a1:', '@tmux-agents', '1', ';',
      'set-option', '-t', '=ta-a1:', '@tmux-agents.agent-id', 'a1', ';',
      'set-option', '-w', '-t', '=ta-a1:', 'remain-on-exit', 'on', ';',
      'respawn-pane', '-k', '-t', '=ta-a1:', '-c', '/work/dir', '-e', 'K=v', '--', 'sh', '-c', 'node fake.mjs',
    ]);
    const paste = ex.calls[4]!;
    assert.equal(paste.input, 'do the thing\nsecond line');
    const [, load, pasteBuffer] = commandsOf(paste.argv);
    assert.deepEqual(load, ['load-buffer', '-b', load![2], '-']);
    assert.deepEqual(pasteBuffer, ['paste-buffer', '-p', '-r', '-d', '-b', load![2], '-t', '=ta-a1:']);
    assert.deepEqual(argv[6], ['tmux', '-L', 'sock', 'send-keys', '-t', '=ta-a1:', 'Enter']);
    assert.ok(!calls(ex).includes('kill-session'));
  });

  test('no task: nothing is pasted', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['fake-agent> '] });
    await launchAgentSession(tmux, spec({ task: undefined }));
    assert.deepEqual(calls(ex), ['new-session;set-option;set-option;set-option;respawn-pane', 'display-message;capture-pane']);
  });

  test('without a ready pattern the screen must hold still (and not be empty)', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['', '', 'Starting', 'Welcome\n> '] });
    const started = Date.now();
    await launchAgentSession(tmux, spec({ launch: { argv: ['x', 'y'], env: {} }, task: undefined }));
    const took = Date.now() - started;
    assert.ok(took >= 400, `ready only after the screen was stable for 400 ms (took ${took} ms)`);
    assert.ok(took < 5_000, `but not much later (took ${took} ms)`);
    assert.ok(calls(ex).filter((c) => c === 'display-message;capture-pane').length >= 5);
  });

  test('the pane dies before it is ready: spawn-failed with its last output, and the session is removed', async () => {
    // What tmux 3.3a shows: the screen scrolled up one line to print "Pane is dead" at the bottom.
    const dead = `bye${'\n'.repeat(49)}Pane is dead (status 3, Wed Nov 25 13:11:19 2026)\n`;
    const { ex, tmux } = scriptedTmux({ screens: ['Loading', dead], history: 'Loading\nError: API key missing\n', deadFrom: 1, deadStatus: 3 });
    await assert.rejects(launchAgentSession(tmux, spec()), (e) => {
      assert.ok(isTmuxAgentsError(e, 'spawn-failed'));
      assert.equal(
        e.message,
        'The agent command exited with status 3 before it was ready (on the test host). Its last output:\nLoading\nError: API key missing\nbye Check that the CLI is installed and starts in that directory.',
      );
      return true;
    });
    const historyCapture = ex.calls.find((c) => c.argv.includes('-S'))!;
    assert.deepEqual(historyCapture.argv, ['tmux', '-L', 'sock', 'capture-pane', '-p', '-J', '-t', '=ta-a1:', '-S', '-50']);
    assert.deepEqual(ex.calls.at(-1)!.argv, ['tmux', '-L', 'sock', 'kill-session', '-t', '=ta-a1']);
    assert.ok(!calls(ex).some((c) => c.includes('load-buffer')));
  });

  test('a dead pane whose exit status tmux never learnt: no made-up status', async () => {
    // Seen with tmux 3.3a: the pane is dead, no status, and no "Pane is dead" line.
    const { tmux } = scriptedTmux({ screens: ['', `fatal: giving up${'\n'.repeat(50)}`], deadFrom: 1, deadStatus: 'unknown' });
    await assert.rejects(launchAgentSession(tmux, spec()), (e) => {
      assert.ok(isTmuxAgentsError(e, 'spawn-failed'));
      assert.match(e.message, /^The agent command exited before it was ready \(on the test host\)\. Its last output:\nfatal: giving up Check/);
      return true;
    });
  });

  test('never ready: timeout error showing the screen and the pattern, and the session is removed', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['Loading forever'] });
    const started = Date.now();
    await assert.rejects(launchAgentSession(tmux, spec({ readyTimeoutMs: 150 })), (e) => {
      assert.ok(isTmuxAgentsError(e, 'timeout'));
      assert.match(e.message, /did not become ready within 150 ms \(session ta-a1 on the test host\)/);
      assert.match(e.message, /Loading forever/);
      assert.match(e.message, /\/fake-agent> \/ never matched/);
      return true;
    });
    assert.ok(Date.now() - started < 5_000);
    assert.equal(calls(ex).at(-1), 'kill-session');
  });

  test('a failing step after the session exists removes it and keeps the original error', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['x'], fail: { 'respawn-pane': { stderr: 'create pane failed: fork failed' } } });
    await assert.rejects(launchAgentSession(tmux, spec()), (e) => isTmuxAgentsError(e, 'tmux-failed') && /fork failed/.test(e.message));
    assert.deepEqual(calls(ex), ['new-session;set-option;set-option;set-option;respawn-pane', 'kill-session']);
  });

  test('a failing cleanup does not hide the original error', async () => {
    const { tmux } = scriptedTmux({ screens: ['x'], fail: { 'set-option': { stderr: 'invalid option: @x' }, 'kill-session': { stderr: "can't find session: ta-a1" } } });
    await assert.rejects(launchAgentSession(tmux, spec()), (e) => isTmuxAgentsError(e, 'tmux-failed') && /invalid option/.test(e.message));
  });

  test('a session of that name already there (a race with another window): it is not killed', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['x'], fail: { 'new-session': { stderr: 'duplicate session: ta-a1' } } });
    await assert.rejects(launchAgentSession(tmux, spec()), /tmux new-session failed on the test host \(exit 1\): duplicate session: ta-a1/);
    assert.deepEqual(calls(ex), ['new-session;set-option;set-option;set-option;respawn-pane']);
  });

  test('Enter failing after the paste: spawn-failed, session removed', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['fake-agent> '], fail: { 'send-keys': { stderr: 'not in a mode' } } });
    await assert.rejects(launchAgentSession(tmux, spec()), (e) => isTmuxAgentsError(e, 'spawn-failed') && /pasted but could not be submitted/.test(e.message));
    assert.equal(calls(ex).at(-1), 'kill-session');
  });

  test('cancellation stops the wait and removes the session', async () => {
    const { ex, tmux } = scriptedTmux({ screens: ['Loading forever'] });
    const ac = new AbortController();
    const p = launchAgentSession(tmux, spec({ signal: ac.signal, readyTimeoutMs: 10_000 }));
    ac.abort(new TmuxAgentsError('timeout', 'cancelled by the user'));
    await assert.rejects(p, /cancelled by the user/);
    assert.equal(calls(ex).at(-1), 'kill-session');
  });
});

describe('lastLines', () => {
  test('last n lines without trailing blank lines', () => {
    assert.equal(lastLines('a\nb\nc\nd\n\n\n', 2), 'c\nd');
    assert.equal(lastLines('', 3), '');
  });
});
