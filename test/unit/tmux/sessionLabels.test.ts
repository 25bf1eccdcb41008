import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LABEL, SESSION_FIELDS, labelOptions, parseSessionRow, taskSummary, type SessionLabels } from '../../../src/tmux/sessionLabels';
import { FIELD_SEP, setOptionsArgs, tmuxArgv } from '../../../src/tmux/tmuxCommands';
import { TRICKY_TASKS } from '../../support/fakeAgent';
import { tmuxParseArgv } from './fakeExecutor';

const created = new Date('2025-01-02T03:04:05.678Z');

/**
 * What tmux does with our labels: set-option stores each value as tmux parsed the argv,
 * and list-sessions -F prints one line per session with the values raw, tab-joined.
 * Returns the row as TmuxService.listSessions would split it.
 */
function roundTrip(labels: SessionLabels, session = 'ta-a', pane = { dead: '0', status: '', activity: '1700000000' }): string[] {
  const argv = tmuxArgv(['-L', 's'], setOptionsArgs(session, labelOptions(labels)));
  const stored = new Map<string, string>();
  for (const cmd of tmuxParseArgv(argv.slice(3))) {
    assert.equal(cmd.length, 5, `one set-option per label: ${JSON.stringify(cmd)}`);
    assert.deepEqual(cmd.slice(0, 3), ['set-option', '-t', `=${session}:`]);
    stored.set(cmd[3]!, cmd[4]!);
  }
  const values: Record<string, string> = { session_name: session, pane_dead: pane.dead, pane_dead_status: pane.status, window_activity: pane.activity };
  const line = SESSION_FIELDS.map((f) => (f.startsWith('@') ? (stored.get(f) ?? '') : values[f]!)).join(FIELD_SEP);
  const output = `${line}\nsomeone-elses-session\t\t\t\t\t\t\t\t0\t\t1700000000\n`;
  const rows = output.split('\n').filter(Boolean).map((l) => l.split(FIELD_SEP));
  assert.equal(rows.length, 2, 'labels never add lines');
  assert.equal(rows[0]!.length, SESSION_FIELDS.length, 'labels never add fields');
  assert.equal(parseSessionRow(rows[1]!), undefined, 'a session without our marker is not an agent');
  return rows[0]!;
}

describe('labelOptions', () => {
  test('sets the marker and every label; free text encoded', () => {
    assert.deepEqual(
      labelOptions({ agentId: 'fix-1', runtimeId: 'local', provider: 'claude', createdAt: created, task: 'fix it; now', cwd: '/w/a b' }),
      {
        '@tmux-agents': '1',
        '@tmux-agents.agent-id': 'fix-1',
        '@tmux-agents.runtime-id': 'local',
        '@tmux-agents.provider': 'claude',
        '@tmux-agents.created-at': '2025-01-02T03:04:05.678Z',
        '@tmux-agents.task': 'fix%20it%3B%20now',
        '@tmux-agents.cwd': '%2Fw%2Fa%20b',
      },
    );
  });

  test('label names are the documented ones', () => {
    assert.deepEqual(Object.values(LABEL), [
      '@tmux-agents', '@tmux-agents.agent-id', '@tmux-agents.runtime-id', '@tmux-agents.provider',
      '@tmux-agents.created-at', '@tmux-agents.task', '@tmux-agents.cwd',
    ]);
  });
});

describe('labels round trip through tmux', () => {
  test('every field comes back', () => {
    const row = roundTrip({ agentId: 'fix-1', runtimeId: 'ssh.box_1', provider: 'gemini', createdAt: created, task: 'do it', cwd: '/w' });
    assert.deepEqual(parseSessionRow(row), {
      sessionName: 'ta-a',
      labels: { agentId: 'fix-1', runtimeId: 'ssh.box_1', provider: 'gemini', createdAt: created, task: 'do it', cwd: '/w' },
      paneDead: false,
      paneDeadStatus: undefined,
      activity: new Date(1700000000 * 1000),
    });
  });

  test('a dead pane and its exit status', () => {
    const row = roundTrip({ agentId: 'a', runtimeId: 'local', provider: 'custom', createdAt: created }, 'ta-a', { dead: '1', status: '130', activity: '' });
    const s = parseSessionRow(row)!;
    assert.equal(s.paneDead, true);
    assert.equal(s.paneDeadStatus, 130);
    assert.equal(s.activity, undefined);
    assert.equal(s.labels.task, undefined);
    assert.equal(s.labels.cwd, undefined);
  });

  for (const [name, text] of Object.entries(TRICKY_TASKS)) {
    test(`free text survives: ${name}`, () => {
      const cwd = `/home/u/${text.slice(0, 200)}`;
      const s = parseSessionRow(roundTrip({ agentId: 'a', runtimeId: 'local', provider: 'custom', createdAt: created, task: text, cwd }))!;
      assert.equal(s.labels.cwd, cwd, 'the working directory is exact');
      assert.equal(s.labels.task, taskSummary(text), 'the task is its one-line summary');
    });
  }

  test('tabs, newlines, ";" and unicode in the working directory', () => {
    const cwd = '/tmp/a\tb\nc;\\;  ünï 🚀 %41 %zz ;';
    const s = parseSessionRow(roundTrip({ agentId: 'a', runtimeId: 'local', provider: 'custom', createdAt: created, task: 'x;', cwd }))!;
    assert.equal(s.labels.cwd, cwd);
    assert.equal(s.labels.task, 'x;');
  });
});

describe('parseSessionRow', () => {
  const row = (over: Partial<Record<(typeof SESSION_FIELDS)[number], string>>) =>
    SESSION_FIELDS.map((f) => over[f] ?? ({ session_name: 'ta-a', '@tmux-agents': '1', '@tmux-agents.agent-id': 'a' } as Record<string, string>)[f] ?? '');

  test('not ours: no marker, marker not "1", no agent id, no name', () => {
    assert.equal(parseSessionRow(row({ '@tmux-agents': '' })), undefined);
    assert.equal(parseSessionRow(row({ '@tmux-agents': '0' })), undefined);
    assert.equal(parseSessionRow(row({ '@tmux-agents.agent-id': '' })), undefined);
    assert.equal(parseSessionRow(row({ session_name: '' })), undefined);
    assert.equal(parseSessionRow([]), undefined);
  });

  test('missing or broken values get safe defaults', () => {
    const s = parseSessionRow(row({ '@tmux-agents.created-at': 'not a date', '@tmux-agents.task': '%E0%A4%A', '@tmux-agents.cwd': '100%' }))!;
    assert.equal(s.labels.provider, '');
    assert.equal(s.labels.createdAt.getTime(), 0);
    assert.equal(s.labels.task, '%E0%A4%A', 'undecodable text is shown raw');
    assert.equal(s.labels.cwd, '100%');
    assert.equal(s.labels.runtimeId, '');
  });
});

describe('taskSummary', () => {
  test('collapses whitespace to one line', () => {
    assert.equal(taskSummary('  a\n\tb   c \r\n'), 'a b c');
    assert.equal(taskSummary(''), undefined);
    assert.equal(taskSummary(undefined), undefined);
  });

  test('cuts long text to 300 chars with an ellipsis', () => {
    const s = taskSummary('x'.repeat(1000))!;
    assert.equal(s.length, 300);
    assert.ok(s.endsWith('x…'));
    assert.equal(taskSummary('y'.repeat(300)), 'y'.repeat(300));
  });

  test('never cuts an emoji in half (a lone surrogate would make the label unencodable)', () => {
    for (let pad = 295; pad <= 300; pad++) {
      const task = 'a'.repeat(pad) + '🚀'.repeat(10);
      const s = taskSummary(task)!;
      assert.doesNotThrow(() => encodeURIComponent(s), `pad ${pad}`);
      assert.doesNotThrow(() => labelOptions({ agentId: 'a', runtimeId: 'r', provider: 'p', createdAt: created, task }));
      assert.ok(s.endsWith('…'));
    }
  });
});
