import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { shellJoin, shellQuote } from '../../../src/tmux/shellQuote';
import { TRICKY_TASKS } from '../../support/fakeAgent';

describe('shellQuote', () => {
  test('safe words stay bare, others single-quoted', () => {
    assert.equal(shellQuote('tmux'), 'tmux');
    assert.equal(shellQuote('-L'), '-L');
    assert.equal(shellQuote('=ta-a'), '=ta-a');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote('$(x)'), "'$(x)'");
  });

  test('sh reads every tricky string back byte-exact', () => {
    const words = [...Object.values(TRICKY_TASKS).filter((t) => t.length < 2_000), '', '-n', "'", '\\', '*', '~'];
    const out = execFileSync('sh', ['-c', `printf '%s\\0' ${shellJoin(words)}`]);
    assert.deepEqual(out.toString('utf8').split('\0').slice(0, -1), words);
  });
});
