import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmuxError } from '../../../src/tmux/tmuxErrors';
import { TmuxAgentsError } from '../../../src/core/errors';
import { TMUX_STDERR } from './fakeExecutor';

const argv = ['tmux', '-L', 'sock', 'has-session', '-t', '=x'];
const fail = (stderr: string, exitCode = 1) => tmuxError(argv, { stdout: '', stderr, exitCode }, 'this machine');

describe('tmuxError classification (stderr of tmux 3.3a)', () => {
  test('no socket file: no server', () => {
    const e = fail(TMUX_STDERR.noServerNoSocket);
    assert.ok(e instanceof TmuxAgentsError);
    assert.equal(e.code, 'tmux-no-server');
    assert.match(e.message, /this machine/);
    assert.match(e.message, /error connecting to \/tmp\/tmux-0\/probe-24200 \(No such file or directory\)/);
  });

  test('stale socket left by a dead server: no server', () => {
    assert.equal(fail(TMUX_STDERR.noServerStaleSocket).code, 'tmux-no-server');
  });

  test("can't find session / no such session / no such window / no current target: no session", () => {
    for (const s of [TMUX_STDERR.cantFindSession, TMUX_STDERR.noSuchSession, TMUX_STDERR.noSuchWindow, TMUX_STDERR.noCurrentTarget]) {
      const e = fail(s);
      assert.equal(e.code, 'tmux-no-session', s);
      assert.equal(e.message, `tmux has-session on this machine: ${s.trim()}.`);
    }
  });

  test('other tmux failures keep tmux own message, the command and the exit code', () => {
    const e = tmuxError(['tmux', '-L', 'sock', 'new-session', '-d', '-s', 'a'], { stdout: '', stderr: TMUX_STDERR.duplicateSession, exitCode: 1 }, 'this machine');
    assert.equal(e.code, 'tmux-failed');
    assert.equal(e.message, 'tmux new-session failed on this machine (exit 1): duplicate session: a.');
    assert.equal(fail(TMUX_STDERR.unknownCommand).code, 'tmux-failed');
    assert.equal(fail(TMUX_STDERR.noBuffer).code, 'tmux-failed');
  });

  test('empty stderr falls back to stdout, then to "no message"', () => {
    assert.match(tmuxError(argv, { stdout: 'out text', stderr: '', exitCode: 2 }, 'h').message, /exit 2\): out text\./);
    assert.match(tmuxError(argv, { stdout: '', stderr: '', exitCode: 2 }, 'h').message, /no message/);
  });

  test('exit 127 from any executor: tmux not installed, with an install hint', () => {
    const shapes = [
      'tmux: command not found', // LocalProcessExecutor on ENOENT
      'sh: 1: tmux: not found', // dash over ssh
      'bash: line 1: tmux: command not found',
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "tmux": executable file not found in $PATH',
    ];
    for (const s of shapes) {
      const e = fail(s, 127);
      assert.equal(e.code, 'tmux-not-installed', s);
      assert.match(e.message, /^tmux is not installed on this machine\. Install tmux/);
    }
  });

  test('a "not found" message without exit 127 is not mistaken for a missing tmux', () => {
    assert.equal(fail(TMUX_STDERR.cantFindSession, 1).code, 'tmux-no-session');
    assert.equal(fail('session not found: x').code, 'tmux-no-session');
  });

  test('the command name skips global flags (-L/-S and their values)', () => {
    const e = tmuxError(['tmux', '-S', '/tmp/s', 'kill-session', '-t', '=a'], { stdout: '', stderr: "can't find session: a", exitCode: 1 }, 'box');
    assert.equal(e.message, "tmux kill-session on box: can't find session: a.");
  });
});
