import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/log';
import { TmuxChangeWatcher, type TmuxChange } from '../../../src/tmux/tmuxChangeWatcher';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { FakeControlTmux, type FakeControlOptions } from './fakeControlTmux';
import { RecordingExecutor } from './fakeExecutor';

const FORMATS = { state: '#{S:#{session_name}=#{pane_dead},}', activity: '#{S:#{window_activity},}' };

function setup(fake: FakeControlOptions = {}, opts: { throttleMs?: number; retryMs?: number } = {}) {
  const tmux = new FakeControlTmux(fake);
  const warnings: string[] = [];
  const log = { trace() {}, debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} } as Logger;
  const watcher = new TmuxChangeWatcher({
    tmux: new TmuxService(tmux, { socketName: 'tmux-agents', utf8: true }),
    formats: FORMATS,
    activityThrottleMs: opts.throttleMs ?? 0,
    retryMs: opts.retryMs,
    logger: log,
  });
  const changes: TmuxChange[] = [];
  watcher.onDidChange((c) => changes.push(c));
  return { tmux, watcher, changes, warnings };
}

const sub = (name: string, value: string) => `%subscription-changed ${name} $0 - - - : ${value}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('attaches a quiet control client to the first session and subscribes to both formats', async () => {
  const { tmux, watcher } = setup();
  await watcher.ensureAttached(['ta-one', 'ta-two']);
  assert.equal(watcher.isLive, true);
  assert.deepEqual(tmux.opened, [['tmux', '-u', '-L', 'tmux-agents', '-C', 'attach-session', '-f', 'no-output,ignore-size', '-t', '=ta-one']]);
  assert.deepEqual(tmux.lines, [`refresh-client -B 'tmux-agents-state::${FORMATS.state}'`, `refresh-client -B 'tmux-agents-activity::${FORMATS.activity}'`]);
  // Already attached: nothing new is opened.
  await watcher.ensureAttached(['ta-two']);
  assert.equal(tmux.opened.length, 1);
  watcher.dispose();
  assert.equal(tmux.closed, 1);
});

test('state and session changes are reported at once, activity at most once per throttle', async () => {
  const { tmux, watcher, changes } = setup({}, { throttleMs: 150 });
  await watcher.ensureAttached(['ta-one']);
  tmux.notify(sub('tmux-agents-state', 'ta-one=0,'));
  tmux.notify('%sessions-changed');
  tmux.notify('%unlinked-window-add @3');
  assert.deepEqual(changes, ['state', 'sessions']);
  changes.length = 0;
  for (let i = 0; i < 5; i++) tmux.notify(sub('tmux-agents-activity', `${1700000000 + i},`));
  assert.deepEqual(changes, ['activity'], 'the first goes out at once');
  await sleep(300);
  assert.deepEqual(changes, ['activity', 'activity'], 'the rest collapse into one, after the throttle');
  watcher.dispose();
});

test('losing a live client is reported once; a refused attach is not, and is retried only later', async () => {
  const { tmux, watcher, changes } = setup();
  await watcher.ensureAttached(['ta-one']);
  tmux.end(0);
  assert.deepEqual(changes, ['disconnected']);
  assert.equal(watcher.isLive, false);
  await watcher.ensureAttached(['ta-two']);
  assert.equal(watcher.isLive, true);
  watcher.dispose();

  const old = setup({ refuseAttach: 'unknown flag -f' }, { retryMs: 60_000 });
  await old.watcher.ensureAttached(['ta-one']);
  await old.watcher.ensureAttached(['ta-one']);
  assert.equal(old.watcher.isLive, false);
  assert.equal(old.tmux.opened.length, 1, 'no second attempt within the retry wait');
  assert.deepEqual(old.changes, []);
  assert.equal(old.warnings.length, 1);
  assert.match(old.warnings[0]!, /No live updates from tmux on the test host \(tmux on the test host: unknown flag -f\); its agents are polled instead\. Live updates need tmux 3\.2 or later there\./);
  old.watcher.dispose();
});

test('a subscription tmux rejects leaves the watcher off and closes the client', async () => {
  const { tmux, watcher, warnings } = setup({ answer: (l) => (l.startsWith('refresh-client') ? new Error('unknown flag -B') : '') });
  await watcher.ensureAttached(['ta-one']);
  assert.equal(watcher.isLive, false);
  assert.equal(tmux.closed, 1);
  assert.match(warnings.join('\n'), /unknown flag -B.*tmux 3\.2 or later/);
  watcher.dispose();
});

test('executors that cannot keep a command running (containers, pods) are never attached', async () => {
  const watcher = new TmuxChangeWatcher({ tmux: new TmuxService(new RecordingExecutor()), formats: FORMATS });
  await watcher.ensureAttached(['ta-one']);
  assert.equal(watcher.isLive, false);
  watcher.dispose();
});
