import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nullLogger } from '../../../src/core/log';
import { SessionRestorer } from '../../../src/runtimes/docker/sessionRestore';
import type { ContainerRow } from '../../../src/runtimes/docker/containerStatus';

const row: ContainerRow = { Id: 'c1', State: 'running', Labels: {} };

function restorer(opts: { startedAt?: number; now: () => number; restore?: () => Promise<void>; graceMs?: number }) {
  const restored: string[] = [];
  let changes = 0;
  const r = new SessionRestorer({
    graceMs: opts.graceMs ?? 1_000,
    startedAt: async () => opts.startedAt,
    restore: async (x) => {
      restored.push(x.Id);
      await (opts.restore?.() ?? Promise.resolve());
    },
    onChange: () => changes++,
    log: nullLogger,
    now: opts.now,
  });
  return { r, restored, changes: () => changes };
}

describe('SessionRestorer', () => {
  test('a freshly started container is left alone (a spawn may be setting it up), then restored after the grace period', async () => {
    let now = 10_000;
    const { r, restored, changes } = restorer({ startedAt: 9_980, now: () => now, graceMs: 50 });
    try {
      assert.deepEqual(await r.check(row), { status: 'starting', reason: 'the container just started; waiting for its tmux session' });
      assert.deepEqual(restored, []);
      // The grace timer asks for a re-list.
      await new Promise((res) => setTimeout(res, 120));
      assert.equal(changes(), 1);
      now = 20_000;
      assert.match((await r.check(row)).reason, /relaunching the agent CLI \(its task is not re-sent\)/);
      await r.pending('c1');
      assert.deepEqual(restored, ['c1']);
      assert.equal(changes(), 2, 'told the list when done');
    } finally {
      r.dispose();
    }
  });

  test('one restore at a time per container; a failure is shown until the container starts again', async () => {
    let release!: () => void;
    let fail = true;
    let startedAt = 1_000;
    const { r, restored } = restorer({
      now: () => 100_000,
      get startedAt() {
        return startedAt;
      },
      restore: () =>
        new Promise<void>((res, rej) => {
          release = () => (fail ? rej(new Error('CLI not found')) : res());
        }),
    });
    try {
      await r.check(row);
      assert.equal((await r.check(row)).status, 'starting');
      assert.deepEqual(restored, ['c1'], 'no second restore while one runs');
      release();
      await r.pending('c1');
      assert.deepEqual(await r.check(row), { status: 'failed', reason: 'relaunching the agent after its container restarted failed: CLI not found', sessionMissing: true });
      assert.deepEqual(restored, ['c1'], 'no retry loop');
      startedAt = 2_000; // restarted again: worth another try
      fail = false;
      await r.check(row);
      release();
      await r.pending('c1');
      assert.deepEqual(restored, ['c1', 'c1']);
    } finally {
      r.dispose();
    }
  });

  test('unknown start time is unknown, not a guess; dispose cancels timers', async () => {
    const { r, changes } = restorer({ startedAt: undefined, now: () => 0 });
    assert.deepEqual(await r.check(row), { status: 'unknown', reason: 'the container is running without its tmux session, and its start time is unknown', sessionMissing: true });
    r.hintAfter('c2', 20);
    r.dispose();
    await new Promise((res) => setTimeout(res, 60));
    assert.equal(changes(), 0);
  });
});

describe('launchFromLabels', () => {
  test('the recorded argv with today\'s provider env and ready pattern', async () => {
    const { ProviderCatalog } = await import('../../../src/core/providers');
    const { launchFromLabels } = await import('../../../src/runtimes/docker/sessionRestore');
    const providers = new ProviderCatalog({ gemini: { env: { GEMINI_X: '1' } } });
    const l = launchFromLabels({ 'tmux-agents.launch': '["gemini","--yolo"]', 'tmux-agents.ai-provider': 'gemini' }, providers);
    assert.deepEqual(l.argv, ['gemini', '--yolo']);
    assert.deepEqual(l.env, { GEMINI_X: '1' });
    assert.equal(l.readyPattern?.source, 'Type your message');
    assert.equal(launchFromLabels({ 'tmux-agents.launch': '["x"]', 'tmux-agents.ai-provider': 'gone' }, providers).readyPattern, undefined);
    for (const bad of [undefined, 'not json', '[]', '[1]', '{"a":1}']) {
      assert.throws(() => launchFromLabels(bad === undefined ? {} : { 'tmux-agents.launch': bad }, providers), /does not record which command to relaunch/);
    }
  });
});

test('a restore in flight is reported as such even once its session exists', async () => {
  let release!: () => void;
  const { r } = restorer({ startedAt: 0, now: () => 100_000, restore: () => new Promise<void>((res) => (release = res)) });
  try {
    assert.equal(r.inProgress('c1'), undefined);
    await r.check(row);
    assert.match(r.inProgress('c1')!.reason, /relaunching/);
    release();
    await r.pending('c1');
    assert.equal(r.inProgress('c1'), undefined);
  } finally {
    r.dispose();
  }
});
