// Live updates from a real tmux server: the control-mode watcher reports sessions coming and
// going, pane deaths, hook states and output, and nothing at all while agents are idle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Logger } from '../../../src/core/log';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import { STATUS_WATCH_FORMATS } from '../../../src/status/watchFormats';
import { HOOK_OPTION } from '../../../src/status/agentHooks';
import { TmuxChangeWatcher, type TmuxChange } from '../../../src/tmux/tmuxChangeWatcher';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { eventually, fakeAgentConfig, fakeAgentProviders, killTmuxServer, localRuntime, makeTempDir, rawTmux, removeDir, uniqueSocket } from './localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
const RUNTIME_SOCKET = uniqueSocket(import.meta.filename, '-rt');
let dir: string;

before(() => {
  dir = makeTempDir('live');
});
after(async () => {
  await killTmuxServer(SOCKET);
  await killTmuxServer(RUNTIME_SOCKET);
  removeDir(dir);
});

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return { lines, trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } as Logger & { lines: string[] };
}

/** A watcher on SOCKET plus everything it reported, in order. */
function watch(opts: { throttleMs?: number; retryMs?: number } = {}) {
  const log = recordingLogger();
  const tmux = new TmuxService(new LocalProcessExecutor(), { socketName: SOCKET, utf8: true, configFile: '/dev/null' });
  const watcher = new TmuxChangeWatcher({ tmux, formats: STATUS_WATCH_FORMATS, activityThrottleMs: opts.throttleMs ?? 0, retryMs: opts.retryMs, logger: log });
  const changes: TmuxChange[] = [];
  watcher.onDidChange((c) => changes.push(c));
  return { watcher, changes, log };
}

const raw = () => rawTmux(SOCKET);
async function tmux(...args: string[]): Promise<void> {
  const r = await new LocalProcessExecutor().exec(['tmux', '-L', SOCKET, '-f', '/dev/null', ...args], { timeoutMs: 5_000 });
  assert.equal(r.exitCode, 0, `tmux ${args.join(' ')}: ${r.stderr}`);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the watcher reports each kind of change, and nothing while the sessions are idle', async () => {
  await tmux('new-session', '-d', '-s', 'w-one', 'cat');
  await tmux('new-session', '-d', '-s', 'w-two', 'cat');
  const { watcher, changes } = watch();
  try {
    await watcher.ensureAttached(['w-one', 'w-two']);
    assert.equal(watcher.isLive, true);

    // The first values of both subscriptions arrive within a second, as changes (they may
    // hold one that happened since the listing); after that, idle sessions send nothing
    // for three of tmux's once-a-second checks.
    await eventually('the first values', async () => (changes.includes('state') && changes.includes('activity') ? true : undefined));
    changes.length = 0;
    await sleep(3_200);
    assert.equal(changes.length, 0, `idle sessions must not produce notifications, got ${changes.join(', ')}`);

    await tmux('set-option', '-p', '-t', '=w-two:', HOOK_OPTION.state, 'waiting');
    await eventually('a state change', async () => (changes.includes('state') ? true : undefined));

    await raw().sendKeys('w-two', 'some output');
    await eventually('an activity change', async () => (changes.includes('activity') ? true : undefined));

    await tmux('new-session', '-d', '-s', 'w-three', 'cat');
    await eventually('a sessions change', async () => (changes.includes('sessions') ? true : undefined));

    // The watched session goes away: the watcher says so, and attaches to another on request.
    changes.length = 0;
    await tmux('kill-session', '-t', '=w-one');
    await eventually('disconnected', async () => (changes.includes('disconnected') ? true : undefined));
    assert.equal(watcher.isLive, false);
    await watcher.ensureAttached(['w-two', 'w-three']);
    assert.equal(watcher.isLive, true);

    changes.length = 0;
    await tmux('kill-server');
    await eventually('disconnected after kill-server', async () => (changes.includes('disconnected') ? true : undefined));
    assert.equal(watcher.isLive, false);
  } finally {
    watcher.dispose();
    await killTmuxServer(SOCKET);
  }
});

test('a pane that dies is a state change at once', async () => {
  await tmux('new-session', '-d', '-s', 'd-one', 'cat');
  await tmux('set-option', '-t', '=d-one:', 'remain-on-exit', 'on');
  await tmux('new-session', '-d', '-s', 'd-two', 'sh', '-c', 'read x; exit 4');
  await tmux('set-option', '-t', '=d-two:', 'remain-on-exit', 'on');
  // Activity is throttled far beyond the test: only the state subscription can report.
  const { watcher, changes } = watch({ throttleMs: 60_000 });
  try {
    await watcher.ensureAttached(['d-one']);
    assert.equal(watcher.isLive, true);
    await raw().sendKeys('d-two', 'x', 'Enter');
    await eventually('the dead pane reported', async () => (changes.includes('state') ? true : undefined));
    const pane = await raw().paneState('d-two');
    assert.equal(pane.dead, true);
  } finally {
    watcher.dispose();
    await killTmuxServer(SOCKET);
  }
});

test('where it cannot attach it stays off, says why once, and waits before trying again', async () => {
  const { watcher, changes, log } = watch({ retryMs: 60_000 });
  try {
    // No server at all (tmux starts one for the attach, which finds nothing).
    await watcher.ensureAttached(['nobody']);
    assert.equal(watcher.isLive, false);
    const warnings = log.lines.filter((l) => l.startsWith('warn '));
    assert.equal(warnings.length, 1, log.lines.join('\n'));
    assert.match(warnings[0]!, /^warn No live updates from tmux on this machine \(tmux on this machine: (no sessions|can't find session: nobody)\); its agents are polled instead\.$/);

    // A server without that session: within the retry wait nothing is tried (no new log line).
    await tmux('new-session', '-d', '-s', 'r-one', 'cat');
    await watcher.ensureAttached(['r-one']);
    assert.equal(watcher.isLive, false);
    assert.equal(log.lines.length, 1);
    assert.deepEqual(changes, []);
  } finally {
    watcher.dispose();
    await killTmuxServer(SOCKET);
  }

  const second = watch({ retryMs: 60_000 });
  try {
    await tmux('new-session', '-d', '-s', 'r-two', 'cat');
    await second.watcher.ensureAttached(['no-such-session']);
    assert.equal(second.watcher.isLive, false);
    assert.match(second.log.lines.join('\n'), /can't find session: no-such-session/);
  } finally {
    second.watcher.dispose();
    await killTmuxServer(SOCKET);
  }
});

test('a local runtime with a listener is live after listing, and pushes outside changes', async () => {
  const runtime = localRuntime(RUNTIME_SOCKET);
  let events = 0;
  const sub = runtime.onDidChangeAgents!(() => events++);
  try {
    assert.equal(runtime.isLive(), false, 'nothing to watch before an agent exists');
    const log = join(dir, 'a.jsonl');
    const a = await runtime.spawnAgent(fakeAgentConfig('live-a', { log, cwd: dir }));
    const b = await runtime.spawnAgent(fakeAgentConfig('live-b', { log: join(dir, 'b.jsonl'), cwd: dir }));
    assert.equal((await runtime.listAgents()).length, 2);
    assert.equal(runtime.isLive(), true);

    // Killed behind our back (another window, a user's `tmux kill-session`): pushed.
    events = 0;
    await rawTmux(RUNTIME_SOCKET).killSession(b.sessionName);
    await eventually('an event for the outside kill', async () => (events > 0 ? true : undefined));

    // The agent's own session killed: the watcher loses its client, and the next listing reattaches.
    events = 0;
    await rawTmux(RUNTIME_SOCKET).killSession(a.sessionName);
    await eventually('an event for the last kill', async () => (events > 0 ? true : undefined));
    assert.deepEqual(await runtime.listAgents(), []);
    // %sessions-changed may come before the client's own exit; both come.
    await eventually('the watcher to let go', async () => (runtime.isLive() ? undefined : true));
  } finally {
    sub.dispose();
    runtime.dispose();
  }
});

test('without a listener a runtime attaches nothing (tests, the benchmark, one-off calls)', async () => {
  const runtime = localRuntime(RUNTIME_SOCKET);
  try {
    const h = await runtime.spawnAgent(fakeAgentConfig('quiet-a', { log: join(dir, 'q.jsonl'), cwd: dir }));
    await runtime.listAgents();
    assert.equal(runtime.isLive(), false);
    const clients = await new LocalProcessExecutor().exec(['tmux', '-L', RUNTIME_SOCKET, 'list-clients'], { timeoutMs: 5_000 });
    assert.equal(clients.stdout, '');
    await runtime.killAgent(h);
  } finally {
    runtime.dispose();
  }
});

test('live updates off (tmuxAgents.liveUpdates), or the last listener gone: no client stays attached', async () => {
  const controlClients = async () =>
    (await new LocalProcessExecutor().exec(['tmux', '-L', RUNTIME_SOCKET, 'list-clients', '-F', '#{client_control_mode}'], { timeoutMs: 5_000 })).stdout.split('\n').filter((l) => l === '1').length;
  const off = new LocalRuntime({ id: 'local', socketName: RUNTIME_SOCKET, providers: fakeAgentProviders(), liveUpdates: false });
  const sub = off.onDidChangeAgents!(() => undefined);
  const h = await off.spawnAgent(fakeAgentConfig('off-a', { log: join(dir, 'off.jsonl'), cwd: dir }));
  try {
    await off.listAgents();
    assert.equal(off.isLive(), false);
    assert.equal(await controlClients(), 0);

    off.setLiveUpdates(true);
    await off.listAgents();
    assert.equal(off.isLive(), true);
    assert.equal(await controlClients(), 1);

    sub.dispose();
    await eventually('the client to detach once nobody listens', async () => ((await controlClients()) === 0 ? true : undefined));
    assert.equal(off.isLive(), false);
  } finally {
    await off.killAgent(h);
    off.dispose();
  }
});
