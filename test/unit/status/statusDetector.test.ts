import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildScreenRules } from '../../../src/status/screenRules';
import { detectStatus, formatAgo, hookFreshness, reasonWithoutAges, type DetectInput } from '../../../src/status/statusDetector';

const NOW = 1_795_600_000;
const screen = (p: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures/screens', p), 'utf8');
const rules = buildScreenRules();

/** A live Claude agent, an hour old, quiet for a minute, showing `file`. */
function claude(file: string, over: Partial<DetectInput> = {}): DetectInput {
  return {
    provider: 'claude',
    now: NOW,
    startedAt: NOW - 3600,
    pane: { dead: false, activityAt: NOW - 60 },
    screen: screen(file),
    rules: rules.forProvider('claude'),
    ...over,
  };
}

const pick = (d: { status: string; reason: string }) => ({ status: d.status, reason: d.reason });

describe('signal precedence', () => {
  test('a fresh hook beats the screen', () => {
    // The screen shows the idle input box; the Notification hook fired 12 s ago with no output since.
    const d = detectStatus(claude('claude/idle.txt', { pane: { dead: false, activityAt: NOW - 13 }, hook: { state: 'waiting', at: NOW - 12, event: 'Notification' } }));
    assert.deepEqual(pick(d), { status: 'waiting', reason: 'Claude Code Notification hook 12s ago' });
    assert.equal(d.signal, 'hook');
  });

  test('a dead pane beats a fresh "working" hook: a crashed agent never runs its last hook', () => {
    const d = detectStatus(claude('claude/working.txt', { pane: { dead: true, deadStatus: 137, activityAt: NOW - 1 }, hook: { state: 'working', at: NOW - 2, event: 'PreToolUse' } }));
    assert.deepEqual(pick(d), { status: 'exited', reason: 'pane exited with status 137' });
  });

  test('a dead pane reports its signal, or says tmux has no status yet', () => {
    assert.equal(detectStatus(claude('claude/exited.txt', { pane: { dead: true, deadSignal: 9 } })).reason, 'pane exited on signal 9');
    assert.equal(detectStatus(claude('claude/exited.txt', { pane: { dead: true } })).reason, 'pane exited (tmux has not reported its exit status)');
  });

  test('the runtime state beats everything', () => {
    const d = detectStatus(claude('claude/working.txt', { runtime: { status: 'stopped', reason: 'container exited (code 0) 3m ago' }, hook: { state: 'working', at: NOW, event: 'PreToolUse' } }));
    assert.deepEqual(pick(d), { status: 'stopped', reason: 'container exited (code 0) 3m ago' });
    assert.equal(detectStatus(claude('claude/working.txt', { runtime: { status: 'failed', reason: 'OOM killed' } })).status, 'failed');
  });

  test('the screen beats output activity', () => {
    // Output 1 s ago would say working; the permission prompt says waiting.
    const d = detectStatus(claude('claude/permission-prompt.txt', { pane: { dead: false, activityAt: NOW - 1 } }));
    assert.deepEqual(pick(d), { status: 'waiting', reason: 'screen: permission prompt' });
  });

  test('output activity decides only when the screen matches nothing', () => {
    const blank = claude('gemini/starting-blank.txt');
    assert.deepEqual(pick(detectStatus({ ...blank, pane: { dead: false, activityAt: NOW - 2 } })), { status: 'working', reason: 'output 2s ago' });
    assert.deepEqual(pick(detectStatus({ ...blank, pane: { dead: false, activityAt: NOW - 180 } })), { status: 'running', reason: 'screen matched no claude rule, no output for 3m' });
  });

  test('a provider without rules: output means working, silence means only "running"', () => {
    const base: DetectInput = { provider: 'custom', now: NOW, startedAt: NOW - 3600, pane: { dead: false, activityAt: NOW - 3 }, rules: rules.forProvider('custom') };
    assert.equal(rules.forProvider('custom'), undefined);
    assert.deepEqual(pick(detectStatus(base)), { status: 'working', reason: 'output 3s ago' });
    assert.deepEqual(pick(detectStatus({ ...base, pane: { dead: false, activityAt: NOW - 180 } })), { status: 'running', reason: 'no output for 3m' });
  });

  test('a young agent whose screen matches nothing is starting, whatever its output', () => {
    const d = detectStatus(claude('gemini/starting-blank.txt', { startedAt: NOW - 4, pane: { dead: false, activityAt: NOW } }));
    assert.deepEqual(pick(d), { status: 'starting', reason: 'started 4s ago, no status signal yet' });
    // ...but a recognised screen is believed at once.
    assert.equal(detectStatus(claude('claude/trust-dialog.txt', { startedAt: NOW - 4 })).status, 'waiting');
  });
});

describe('never a guess', () => {
  test('a probe error is unknown, with the error as the reason', () => {
    const d = detectStatus(claude('claude/working.txt', { probeError: 'status probe timed out after 3000 ms' }));
    assert.deepEqual(pick(d), { status: 'unknown', reason: 'status probe timed out after 3000 ms' });
  });

  test('no pane state is unknown', () => {
    assert.equal(detectStatus({ provider: 'claude', now: NOW }).status, 'unknown');
    assert.equal(detectStatus({ provider: 'claude', now: NaN, pane: { dead: false, activityAt: NOW } }).status, 'unknown');
  });

  test('no activity timestamp and nothing else is unknown', () => {
    const d = detectStatus({ provider: 'custom', now: NOW, startedAt: NOW - 3600, pane: { dead: false } });
    assert.deepEqual(pick(d), { status: 'unknown', reason: 'tmux reported no output activity' });
  });
});

describe('hook freshness', () => {
  const policy = { workingQuietSec: 10, settleSec: 5 };

  test('"working" holds while output keeps coming, and goes stale 10 s after it stops', () => {
    const hook = { state: 'working', at: NOW - 120, event: 'UserPromptSubmit' };
    assert.equal(hookFreshness(hook, { dead: false, activityAt: NOW - 1 }, NOW, policy).fresh, true);
    assert.deepEqual(hookFreshness(hook, { dead: false, activityAt: NOW - 11 }, NOW, policy), { fresh: false, why: 'no output for 11s since a working hook' });
  });

  test('a stale "working" hook (Esc interrupt fires no hook) falls back to the screen', () => {
    const d = detectStatus(claude('claude/interrupted.txt', { pane: { dead: false, activityAt: NOW - 30 }, hook: { state: 'working', at: NOW - 40, event: 'UserPromptSubmit' } }));
    assert.deepEqual(pick(d), { status: 'idle', reason: 'screen: input prompt' });
  });

  test('waiting/idle hooks hold while the pane is quiet, whatever their age', () => {
    const hook = { state: 'idle', at: NOW - 7200, event: 'Stop' };
    assert.equal(hookFreshness(hook, { dead: false, activityAt: NOW - 7199 }, NOW, policy).fresh, true);
    const d = detectStatus(claude('claude/finished.txt', { pane: { dead: false, activityAt: NOW - 7199 }, hook }));
    assert.deepEqual(pick(d), { status: 'idle', reason: 'Claude Code Stop hook 2h ago' });
  });

  test('output after a waiting hook (the user answered, no hook said so) makes it stale', () => {
    const hook = { state: 'waiting', at: NOW - 60, event: 'PermissionRequest' };
    assert.deepEqual(hookFreshness(hook, { dead: false, activityAt: NOW - 20 }, NOW, policy), { fresh: false, why: 'output 40s after the PermissionRequest hook' });
    const d = detectStatus(claude('claude/working.txt', { pane: { dead: false, activityAt: NOW - 1 }, hook }));
    assert.deepEqual(pick(d), { status: 'working', reason: 'screen: esc to interrupt' });
  });

  test('the redraw right after a hook does not make it stale', () => {
    assert.equal(hookFreshness({ state: 'waiting', at: NOW - 10, event: 'Notification' }, { dead: false, activityAt: NOW - 6 }, NOW, policy).fresh, true);
  });

  test('unknown states, missing or future times are not used', () => {
    assert.equal(hookFreshness({ state: 'sleeping', at: NOW }, { dead: false, activityAt: NOW }, NOW, policy).fresh, false);
    assert.equal(hookFreshness({ state: 'idle', at: 0 }, { dead: false, activityAt: NOW }, NOW, policy).fresh, false);
    assert.equal(hookFreshness({ state: 'idle', at: NOW + 60 }, { dead: false, activityAt: NOW }, NOW, policy).fresh, false);
    assert.equal(hookFreshness(undefined, { dead: false }, NOW, policy).fresh, false);
    // An unusable hook falls back to the next signal, it never becomes the status.
    assert.equal(detectStatus(claude('claude/question.txt', { hook: { state: 'sleeping', at: NOW } })).status, 'waiting');
  });

  test('a hook of a provider without a known label names the provider', () => {
    const d = detectStatus({ provider: 'custom', now: NOW, pane: { dead: false, activityAt: NOW - 100 }, hook: { state: 'idle', at: NOW - 100 } });
    assert.equal(d.reason, 'custom idle hook 1m ago');
  });

  test('Codex notify reports a finished turn', () => {
    const d = detectStatus({ provider: 'codex', now: NOW, pane: { dead: false, activityAt: NOW - 3 }, hook: { state: 'idle', at: NOW - 3, event: 'agent-turn-complete' } });
    assert.deepEqual(pick(d), { status: 'idle', reason: 'Codex agent-turn-complete hook 3s ago' });
  });
});

describe('options', () => {
  test('thresholds are options', () => {
    const input: DetectInput = { provider: 'custom', now: NOW, startedAt: NOW - 3600, pane: { dead: false, activityAt: NOW - 8 } };
    assert.equal(detectStatus(input).status, 'running');
    assert.equal(detectStatus(input, { workingWithinSec: 10 }).status, 'working');
    assert.equal(detectStatus({ ...input, startedAt: NOW - 40 }, { startingGraceSec: 60 }).status, 'starting');
  });

  test('formatAgo', () => {
    assert.deepEqual([0, 12, 59.6, 60, 179, 3599, 3600, 7200, 172_800].map(formatAgo), ['0s', '12s', '1m', '1m', '2m', '59m', '1h', '2h', '2d']);
  });
});

describe('when a status lapses by time alone (expiresInSec)', () => {
  test('output-based working lapses when the output is workingWithinSec old', () => {
    const d = detectStatus({ provider: 'custom', now: NOW, startedAt: NOW - 3600, pane: { dead: false, activityAt: NOW - 2 } });
    assert.equal(d.status, 'working');
    assert.equal(d.expiresInSec, 3);
  });
  test('a working hook lapses workingQuietSec after the later of the hook and the output', () => {
    const d = detectStatus(claude('claude/working.txt', { pane: { dead: false, activityAt: NOW - 1 }, hook: { state: 'working', at: NOW - 4, event: 'UserPromptSubmit' } }));
    assert.equal(d.status, 'working');
    assert.equal(d.signal, 'hook');
    assert.equal(d.expiresInSec, 9);
  });
  test('starting lapses at the end of the grace; waiting, idle, exited and running do not lapse', () => {
    const starting = detectStatus({ provider: 'custom', now: NOW, startedAt: NOW - 10, pane: { dead: false, activityAt: NOW - 10 } });
    assert.equal(starting.status, 'starting');
    assert.equal(starting.expiresInSec, 20);
    const waiting = detectStatus(claude('claude/idle.txt', { hook: { state: 'waiting', at: NOW - 30, event: 'Notification' }, pane: { dead: false, activityAt: NOW - 31 } }));
    const idle = detectStatus(claude('claude/idle.txt'));
    const exited = detectStatus({ provider: 'custom', now: NOW, pane: { dead: true, deadStatus: 0 } });
    const running = detectStatus({ provider: 'custom', now: NOW, startedAt: NOW - 3600, pane: { dead: false, activityAt: NOW - 60 } });
    assert.deepEqual(
      [waiting, idle, exited, running].map((d) => [d.status, d.expiresInSec]),
      [['waiting', undefined], ['idle', undefined], ['exited', undefined], ['running', undefined]],
    );
  });
});

test('reasonWithoutAges: reasons that differ only by time passing compare equal', () => {
  assert.equal(reasonWithoutAges('output 3s ago'), reasonWithoutAges('output 12s ago'));
  assert.equal(reasonWithoutAges('Claude Code Notification hook 2m ago'), 'Claude Code Notification hook # ago');
  assert.notEqual(reasonWithoutAges('pane exited with status 3'), reasonWithoutAges('pane exited with status 4'));
  assert.equal(reasonWithoutAges('screen: permission prompt'), 'screen: permission prompt');
});
