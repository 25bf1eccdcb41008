import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecOptions, ExecResult } from '../../../src/tmux/executor';
import { ControlModeExecutor } from '../../../src/tmux/controlModeExecutor';
import { SEP } from '../../../src/tmux/tmuxCommands';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { FakeControlTmux, type FakeControlOptions } from './fakeControlTmux';

/** The scripted control client, plus a record of what ran as a process instead. */
class Base extends FakeControlTmux {
  readonly processes: string[][] = [];
  override exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.processes.push([...argv, ...(opts.input !== undefined ? [`<stdin:${opts.input}>`] : [])]);
    return Promise.resolve({ stdout: 'from a process\n', stderr: '', exitCode: 0 });
  }
}

function setup(fake: FakeControlOptions = {}) {
  const base = new Base(fake);
  const opts = { socketName: 'tmux-agents', utf8: true };
  const executor = new ControlModeExecutor({ base, globalArgs: new TmuxService(base, opts).globalArgs, retryMs: 60_000 });
  return { base, executor, tmux: new TmuxService(executor, opts) };
}

test('tmux commands go over one control client, chained ones as one line, output as a process would print it', async () => {
  const { base, executor, tmux } = setup({ answer: (c) => (c.startsWith('display-message') ? 'line one\nline two' : c.startsWith('capture-pane') ? 'screen' : '') });
  assert.equal(await tmux.run(['display-message', '-p', '-t', '=ta-a:', '#{pane_pid} x']), 'line one\nline two\n');
  assert.equal(await tmux.run(['display-message', '-p', 'a', SEP, 'capture-pane', '-p', '-t', '=ta-a:', SEP, 'set-option', '-t', '=ta-a:', '@x', 'ends;']), 'line one\nline two\nscreen\n');
  assert.equal(executor.attached, true);
  assert.deepEqual(base.opened, [['tmux', '-u', '-L', 'tmux-agents', '-C', 'attach-session', '-f', 'no-output,ignore-size']]);
  assert.deepEqual(base.lines, [
    "display-message -p -t =ta-a: '#{pane_pid} x'",
    "display-message -p a ; capture-pane -p -t =ta-a: ; set-option -t =ta-a: @x 'ends;'",
  ]);
  assert.deepEqual(base.processes, []);
  executor.dispose();
});

test('an %error is a failed command with tmux\'s message, classified as from a process', async () => {
  const { tmux, executor } = setup({ answer: (c) => (c.startsWith('has-session') ? new Error("can't find session: ta-gone") : '') });
  assert.equal(await tmux.hasSession('ta-gone'), false);
  await assert.rejects(tmux.killSession('ta-gone').then(() => tmux.run(['has-session', '-t', '=ta-gone'])), /can't find session: ta-gone/);
  executor.dispose();
});

test('stdin, line breaks, tmux flags and server starters run as processes; so does everything while no client attaches', async () => {
  const { base, tmux, executor } = setup();
  await tmux.pasteText('ta-a', 'the task');
  await tmux.typeText('ta-a', 'two\nlines');
  await tmux.version();
  await tmux.newSession({ name: 'ta-b', command: ['cat'] });
  assert.equal(base.opened.length, 0, 'none of these even tries to attach');
  assert.equal(base.processes.length, 4);
  assert.match(base.processes[0]!.join(' '), /load-buffer .*<stdin:the task>/);
  executor.dispose();

  const refused = setup({ refuseAttach: 'no sessions' });
  assert.equal(await refused.tmux.run(['list-sessions']), 'from a process\n');
  assert.equal(await refused.tmux.run(['list-sessions']), 'from a process\n');
  assert.equal(refused.base.opened.length, 1, 'no second attach within the retry wait');
  assert.equal(refused.base.processes.length, 2);
  refused.executor.dispose();
});

test('a client that ends before answering: the command runs as a process instead', async () => {
  const { base, tmux, executor } = setup({ answer: () => null });
  const pending = tmux.run(['list-sessions']);
  await new Promise((r) => setTimeout(r, 10));
  base.end(0); // the session it was attached to went away
  assert.equal(await pending, 'from a process\n');
  assert.deepEqual(base.processes.map((p) => p.at(-1)), ['list-sessions']);
  executor.dispose();
});

test('a client that does not answer in time is closed: the command times out, the next one does not wait on it', async () => {
  const { base, executor } = setup({ answer: () => null });
  await assert.rejects(executor.exec(['tmux', '-u', '-L', 'tmux-agents', 'list-sessions'], { timeoutMs: 50 }), /did not finish within 50 ms/);
  assert.equal(base.closed, 1);
  assert.equal(executor.attached, false);
  executor.dispose();
});

test('after a failed attach, a new session lets the next command attach at once; a client that ends waits again', async () => {
  const { base, tmux, executor } = setup({ refuseAttach: 'no sessions' });
  await tmux.hasSession('ta-a'); // no server yet: refused, and no retry for a while
  assert.equal(base.opened.length, 1);
  await tmux.newSession({ name: 'ta-a', command: ['cat'] });
  await tmux.capturePane('ta-a'); // tries again right away
  assert.equal(base.opened.length, 2);
  executor.dispose();

  const live = setup();
  await live.tmux.capturePane('ta-a');
  assert.equal(live.executor.attached, true);
  live.base.end(0); // its session was killed
  await live.tmux.capturePane('ta-a');
  assert.equal(live.base.opened.length, 1, 'no attach right after the client ended');
  assert.equal(live.base.processes.length, 1);
  live.executor.dispose();
});
