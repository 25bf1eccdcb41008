import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { TmuxAgentsError, isTmuxAgentsError } from '../../../src/core/errors';
import { RecordingExecutor, TMUX_STDERR, tmuxCommandOf } from './fakeExecutor';

const ok = (stdout = '') => ({ stdout, stderr: '', exitCode: 0 });
const err = (stderr: string, exitCode = 1) => ({ stdout: '', stderr, exitCode });

function service(respond?: ConstructorParameters<typeof RecordingExecutor>[0], opts: { socketName?: string } = { socketName: 'agents' }) {
  const ex = new RecordingExecutor(respond);
  return { ex, tmux: new TmuxService(ex, { socketName: opts.socketName, timeoutMs: 1234 }) };
}

describe('TmuxService argv', () => {
  test('global args select the socket; no socket means none', () => {
    assert.deepEqual(service().tmux.argv(['list-sessions']), ['tmux', '-L', 'agents', 'list-sessions']);
    assert.deepEqual(service(undefined, {}).tmux.argv(['list-sessions']), ['tmux', 'list-sessions']);
  });

  test('every call carries the per-command timeout; the default is 10 s', async () => {
    const { ex, tmux } = service();
    await tmux.killSession('ta-a');
    assert.equal(ex.calls[0]!.timeoutMs, 1234);
    const ex2 = new RecordingExecutor();
    await new TmuxService(ex2).killSession('ta-a');
    assert.equal(ex2.calls[0]!.timeoutMs, 10_000);
  });

  test('newSession', async () => {
    const { ex, tmux } = service();
    await tmux.newSession({ name: 'ta-a', cwd: '/w', width: 80, height: 24, env: { K: 'v;' }, command: ['cat'] });
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'new-session', '-d', '-s', 'ta-a', '-c', '/w', '-x', '80', '-y', '24', '-e', 'K=v\\;', '--', 'env', 'cat']);
    assert.equal(ex.calls[0]!.input, undefined);
  });

  test('respawnPane', async () => {
    const { ex, tmux } = service();
    await tmux.respawnPane('ta-a', ['sh', '-c', 'my agent;'], { cwd: '/w', env: { A: '1' } });
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'respawn-pane', '-k', '-t', '=ta-a:', '-c', '/w', '-e', 'A=1', '--', 'sh', '-c', 'my agent\\;']);
  });

  test('killSession uses an exact target', async () => {
    const { ex, tmux } = service();
    await tmux.killSession('ta-a');
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'kill-session', '-t', '=ta-a']);
  });

  test('setOptions: one invocation, separators as bare ";"', async () => {
    const { ex, tmux } = service();
    await tmux.setOptions('ta-a', { '@x': '1', '@y': 'two;' }, { 'remain-on-exit': 'on' });
    assert.equal(ex.calls.length, 1);
    assert.deepEqual(ex.calls[0]!.argv, [
      'tmux', '-L', 'agents',
      'set-option', '-t', '=ta-a:', '@x', '1', ';',
      'set-option', '-t', '=ta-a:', '@y', 'two\\;', ';',
      'set-option', '-w', '-t', '=ta-a:', 'remain-on-exit', 'on',
    ]);
  });

  test('showOption: value without the trailing newline; empty output is undefined', async () => {
    const { ex, tmux } = service((argv) => ok(argv.at(-1) === '@set' ? 'a value\n' : ''));
    assert.equal(await tmux.showOption('ta-a', '@set'), 'a value');
    assert.equal(await tmux.showOption('ta-a', '@unset'), undefined);
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'show-options', '-v', '-q', '-t', '=ta-a:', '@set']);
  });

  test('capturePane returns stdout as is', async () => {
    const screen = 'line 1\nfake-agent> \n';
    const { ex, tmux } = service(() => ok(screen));
    assert.equal(await tmux.capturePane('ta-a', { lines: 100 }), screen);
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'capture-pane', '-p', '-J', '-t', '=ta-a:', '-S', '-100']);
    await tmux.capturePane('ta-a', { escapes: true });
    assert.deepEqual(ex.calls[1]!.argv, ['tmux', '-L', 'agents', 'capture-pane', '-p', '-J', '-t', '=ta-a:', '-e']);
  });

  test('pasteText: text goes through stdin, never argv; a fresh buffer name per call', async () => {
    const { ex, tmux } = service();
    const text = 'multi\nline $(x) `y` ;';
    await tmux.pasteText('ta-a', text);
    await tmux.pasteText('ta-a', 'second');
    const [a, b] = ex.calls;
    assert.equal(a!.input, text);
    assert.equal(b!.input, 'second');
    const buf = a!.argv[5]!;
    assert.match(buf, /^tmux-agents-\d+-\d+$/);
    assert.deepEqual(a!.argv, [
      'tmux', '-L', 'agents', 'load-buffer', '-b', buf, '-', ';',
      'paste-buffer', '-p', '-r', '-d', '-b', buf, '-t', '=ta-a:',
    ]);
    assert.notEqual(b!.argv[5], buf);
    assert.ok(!a!.argv.some((x) => x.includes('multi')));
  });

  test('sendKeys and typeText', async () => {
    const { ex, tmux } = service();
    await tmux.sendKeys('ta-a', 'C-c');
    await tmux.sendKeys('ta-a', 'Escape', 'Enter');
    await tmux.typeText('ta-a', 'ends;');
    assert.deepEqual(ex.calls.map((c) => c.argv.slice(3)), [
      ['send-keys', '-t', '=ta-a:', 'C-c'],
      ['send-keys', '-t', '=ta-a:', 'Escape', 'Enter'],
      ['send-keys', '-t', '=ta-a:', '-l', '--', 'ends\\;'],
    ]);
  });

  test('version trims', async () => {
    const { ex, tmux } = service(() => ok('tmux 3.3a\n'));
    assert.equal(await tmux.version(), 'tmux 3.3a');
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', '-V']);
  });
});

describe('TmuxService.listSessions', () => {
  test('argv and parsing into rows of fields (empty fields kept)', async () => {
    const { ex, tmux } = service(() => ok('ta-a\t1\tx\n\nmine\t\t\n'));
    assert.deepEqual(await tmux.listSessions(['session_name', '@m', '@id']), [['ta-a', '1', 'x'], ['mine', '', '']]);
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'list-sessions', '-F', '#{session_name}\t#{@m}\t#{@id}']);
  });

  test('no server (no socket, or a stale one) is an empty list', async () => {
    for (const s of [TMUX_STDERR.noServerNoSocket, TMUX_STDERR.noServerStaleSocket]) {
      const { tmux } = service(() => err(s));
      assert.deepEqual(await tmux.listSessions(['session_name']), []);
    }
  });

  test('other failures are thrown, not hidden', async () => {
    const { tmux } = service(() => err('', 127));
    await assert.rejects(tmux.listSessions(['session_name']), (e) => isTmuxAgentsError(e, 'tmux-not-installed'));
    const s2 = service(() => err('open terminal failed: not a terminal'));
    await assert.rejects(s2.tmux.listSessions(['session_name']), (e) => isTmuxAgentsError(e, 'tmux-failed') && /not a terminal/.test(e.message));
  });

  test('an executor timeout propagates (unknown, not "no agents")', async () => {
    const { tmux } = service(() => {
      throw new TmuxAgentsError('timeout', 'tmux list-sessions did not finish within 1234 ms.');
    });
    await assert.rejects(tmux.listSessions(['session_name']), (e) => isTmuxAgentsError(e, 'timeout'));
  });
});

describe('TmuxService.hasSession', () => {
  test('exit 0 is true, exact target', async () => {
    const { ex, tmux } = service();
    assert.equal(await tmux.hasSession('ta-a'), true);
    assert.deepEqual(ex.calls[0]!.argv, ['tmux', '-L', 'agents', 'has-session', '-t', '=ta-a']);
  });
  test("can't find session and no server are false", async () => {
    assert.equal(await service(() => err(TMUX_STDERR.cantFindSession)).tmux.hasSession('x'), false);
    assert.equal(await service(() => err(TMUX_STDERR.noServerNoSocket)).tmux.hasSession('x'), false);
    assert.equal(await service(() => err(TMUX_STDERR.noCurrentTarget)).tmux.hasSession('x'), false, 'a server that is exiting after its last session');
  });
  test('anything else throws', async () => {
    await assert.rejects(service(() => err('', 127)).tmux.hasSession('x'), (e) => isTmuxAgentsError(e, 'tmux-not-installed'));
    await assert.rejects(service(() => err('server version is too old for client')).tmux.hasSession('x'), (e) => isTmuxAgentsError(e, 'tmux-failed'));
  });
});

describe('TmuxService errors', () => {
  test('a failed command maps stderr to a coded error naming the command and where', async () => {
    const { tmux } = service(() => err(TMUX_STDERR.cantFindSession));
    await assert.rejects(tmux.killSession('x'), (e) => isTmuxAgentsError(e, 'tmux-no-session') && e.message === "tmux kill-session on the test host: can't find session: x.");
    const s2 = service(() => err(TMUX_STDERR.duplicateSession));
    await assert.rejects(s2.tmux.newSession({ name: 'a' }), (e) => isTmuxAgentsError(e, 'tmux-failed') && /duplicate session: a/.test(e.message));
  });
});

describe('TmuxService.paneState', () => {
  test('parses one display-message line', async () => {
    const { ex, tmux } = service(() => ok('1\t3\t4242\tnode\t1700000000\n'));
    assert.deepEqual(await tmux.paneState('ta-a'), { dead: true, deadStatus: 3, pid: 4242, currentCommand: 'node', activity: 1700000000 });
    assert.deepEqual(ex.calls[0]!.argv, [
      'tmux', '-L', 'agents', 'display-message', '-p', '-t', '=ta-a:',
      '#{pane_dead}\t#{pane_dead_status}\t#{pane_pid}\t#{pane_current_command}\t#{window_activity}',
    ]);
  });

  test('a live pane has no dead status', async () => {
    const { tmux } = service(() => ok('0\t\t77\tcat\t1700000001\n'));
    assert.deepEqual(await tmux.paneState('s'), { dead: false, deadStatus: undefined, pid: 77, currentCommand: 'cat', activity: 1700000001 });
  });

  test('a missing session (tmux prints empty fields and exits 0) is an error, not a live pane', async () => {
    const { ex, tmux } = service(() => ok('\t\t\t\t\n'));
    await assert.rejects(tmux.paneState('gone'), (e) => isTmuxAgentsError(e, 'tmux-no-session'));
    assert.equal(tmuxCommandOf(ex.calls[0]!.argv), 'display-message');
  });
});
