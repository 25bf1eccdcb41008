import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TmuxAgentsError, errorMessage, isTmuxAgentsError } from '../../../src/core/errors';

describe('TmuxAgentsError', () => {
  test('message with hint, code, cause', () => {
    const cause = new Error('root');
    const e = new TmuxAgentsError('timeout', 'It took too long.', 'Try again.', { cause });
    assert.equal(e.message, 'It took too long. Try again.');
    assert.equal(e.code, 'timeout');
    assert.equal(e.hint, 'Try again.');
    assert.equal(e.cause, cause);
    assert.equal(e.name, 'TmuxAgentsError');
    assert.ok(isTmuxAgentsError(e));
    assert.ok(isTmuxAgentsError(e, 'timeout'));
    assert.ok(!isTmuxAgentsError(e, 'tmux-failed'));
    assert.ok(!isTmuxAgentsError(new Error('x')));
  });

  test('errorMessage', () => {
    assert.equal(errorMessage(new Error('m')), 'm');
    assert.equal(errorMessage('s'), 's');
    assert.equal(errorMessage(42), '42');
  });
});
