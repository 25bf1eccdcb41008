// sshd runs an exec request as `$SHELL -c <command line>`. The line is shellJoin(argv);
// here it goes through real shells exactly that way, and every tricky value must come out
// of the remote side byte-exact, with nothing expanded or executed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { shellJoin } from '../../../src/tmux/shellQuote';
import { TRICKY_TASKS } from '../../support/fakeAgent';

const SHELLS = ['/bin/sh', '/bin/bash'];
const EXTRA: Record<string, string> = {
  empty: '',
  leadingDash: '-n -e',
  glob: '* ?.ts [a-z]',
  tilde: '~root ~/x',
  backslashes: '\\\\ \\n \\',
  allQuotes: `'"'"'`,
  bang: 'history !! !$',
  control: 'bell\x07 esc\x1b[31m cr\r del\x7f',
};

for (const shell of SHELLS) {
  test(`every TRICKY_TASKS value survives ${shell} -c byte-exact`, () => {
    assert.ok(existsSync(shell), `${shell} is missing`);
    for (const [name, value] of Object.entries({ ...TRICKY_TASKS, ...EXTRA })) {
      const line = shellJoin(['sh', '-c', 'printf %s "$1"', '_', value]);
      const r = spawnSync(shell, ['-c', line], { encoding: 'buffer' });
      assert.equal(r.status, 0, `${name}: ${r.stderr.toString()}`);
      assert.ok(r.stdout.equals(Buffer.from(value, 'utf8')), `${name}: got ${JSON.stringify(r.stdout.toString('utf8'))}`);
    }
  });
}

test('several arguments keep their boundaries', () => {
  const values = Object.values(TRICKY_TASKS);
  const line = shellJoin(['sh', '-c', 'for a; do printf "%s\\0" "$a"; done', '_', ...values]);
  const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'buffer' });
  assert.equal(r.status, 0);
  assert.deepEqual(r.stdout.toString('utf8').split('\0').slice(0, -1), values);
});
