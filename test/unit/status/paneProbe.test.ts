import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE_FORMAT, parseProbeOutput, probeArgs } from '../../../src/status/paneProbe';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { RecordingExecutor, tmuxParseArgv } from '../tmux/fakeExecutor';

const T = '\t';

describe('pane probe', () => {
  test('one display-message per agent, chained in one tmux invocation, exact argv', () => {
    const tmux = new TmuxService(new RecordingExecutor(), { socketName: 'agents' });
    const argv = tmux.argv(probeArgs(['ta-a', 'ta-b']));
    const F = '#{session_name}\t#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{window_activity}\t#{@tmux-agents.hook-state}\t#{@tmux-agents.hook-at}\t#{@tmux-agents.hook-event}';
    assert.equal(PROBE_FORMAT, `TAPROBE\t%s\t${F}`);
    // The global part (socket, UTF-8 flag) is TmuxService's; the rest is the probe's.
    const global = tmux.argv([]);
    assert.deepEqual(global.slice(-2), ['-L', 'agents']);
    assert.deepEqual(argv, [
      ...global,
      'display-message', '-p', '-t', '=ta-a:', PROBE_FORMAT, ';',
      'display-message', '-p', '-t', '=ta-b:', PROBE_FORMAT,
    ]);
    // What tmux itself makes of it: two commands, the format intact.
    assert.deepEqual(tmuxParseArgv(argv.slice(global.length)), [
      ['display-message', '-p', '-t', '=ta-a:', PROBE_FORMAT],
      ['display-message', '-p', '-t', '=ta-b:', PROBE_FORMAT],
    ]);
  });

  test('parses pane state, hook state and the server clock', () => {
    const out =
      ['TAPROBE', '1795612517', 'ta-a', '4242', '0', '', '', '1795612510', 'idle', '1795612509', 'StopFailure'].join(T) + '\n' +
      ['TAPROBE', '1795612517', 'ta-b', '4243', '1', '1', '', '1795612400', '', '', ''].join(T) + '\n';
    assert.deepEqual(parseProbeOutput(['ta-a', 'ta-b'], out), [
      { ok: true, value: { now: 1795612517, pane: { dead: false, deadStatus: undefined, deadSignal: undefined, activityAt: 1795612510 }, hook: { state: 'idle', at: 1795612509, event: 'StopFailure' } } },
      { ok: true, value: { now: 1795612517, pane: { dead: true, deadStatus: 1, deadSignal: undefined, activityAt: 1795612400 }, hook: undefined } },
    ]);
  });

  test('a session that vanished is an error for that agent only (tmux prints empty fields)', () => {
    // Real tmux 3.3a output for a missing `=zz:` target: the line, with the fields empty.
    const out = ['TAPROBE', '1795612420', '', '', '', '', '', '', '', '', ''].join(T) + '\n' + ['TAPROBE', '1795612420', 'ta-b', '9', '0', '', '', '1795612419', '', '', ''].join(T) + '\n';
    const [a, b] = parseProbeOutput(['ta-gone', 'ta-b'], out);
    assert.deepEqual(a, { ok: false, error: 'tmux session ta-gone was not found (the agent may just have ended)' });
    assert.equal(b!.ok, true);
  });

  test('a line for another session is not taken for this one', () => {
    const out = ['TAPROBE', '1', 'ta-other', '9', '0', '', '', '1', '', '', ''].join(T) + '\n';
    assert.equal(parseProbeOutput(['ta-a'], out)[0]!.ok, false);
  });

  test('a short answer fails every agent of the call, not a wrong one', () => {
    const out = ['TAPROBE', '1', 'ta-a', '9', '0', '', '', '1', '', '', ''].join(T) + '\n';
    assert.deepEqual(parseProbeOutput(['ta-a', 'ta-b'], out), [
      { ok: false, error: 'tmux answered 1 status lines for 2 agents' },
      { ok: false, error: 'tmux answered 1 status lines for 2 agents' },
    ]);
  });

  test('a hook without a time is ignored', () => {
    const out = ['TAPROBE', '5', 'ta-a', '9', '0', '', '', '4', 'waiting', '', 'Notification'].join(T) + '\n';
    const [r] = parseProbeOutput(['ta-a'], out);
    assert.ok(r!.ok && r.value.hook === undefined);
  });
});
