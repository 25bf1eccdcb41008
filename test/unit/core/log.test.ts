import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { childLogger, createLogger, redact, type LogLevel } from '../../../src/core/log';

describe('redact', () => {
  test('provider API key shapes', () => {
    assert.equal(redact('key sk-ant-api03-AbC_dEf-123456789 used'), 'key *** used');
    assert.equal(redact('openai sk-proj-abcdefghij'), 'openai ***');
    assert.equal(redact('gemini AIzaSyA1234567890abcdefghijklmnop'), 'gemini ***');
  });

  test('short sk- words are not keys', () => {
    assert.equal(redact('task: sk-ip this'), 'task: sk-ip this');
  });

  test('Bearer tokens', () => {
    assert.equal(redact('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'), 'Authorization: ***');
  });

  test('KEY=value whose name says secret, keeping the name', () => {
    assert.equal(redact('ANTHROPIC_API_KEY=sk-ant-xyz123456 next'), 'ANTHROPIC_API_KEY=*** next');
    assert.equal(redact('GITHUB_TOKEN=ghp_abc'), 'GITHUB_TOKEN=***');
    assert.equal(redact('env DB_PASSWORD="two words" X=1'), 'env DB_PASSWORD=*** X=1');
    assert.equal(redact("MY_SECRET_VALUE='a b c'"), 'MY_SECRET_VALUE=***');
    assert.equal(redact('aws_credentials=xyz'), 'aws_credentials=***');
    assert.equal(redact('-e OPENAI_API_KEY=sk-abc -e HOME=/root'), '-e OPENAI_API_KEY=*** -e HOME=/root');
  });

  test('ordinary KEY=value pairs stay', () => {
    assert.equal(redact('PATH=/usr/bin HOME=/root TERM=xterm'), 'PATH=/usr/bin HOME=/root TERM=xterm');
  });

  test('extra secrets (4+ chars) anywhere', () => {
    assert.equal(redact('password is hunter2, again hunter2', ['hunter2', 'abc']), 'password is ***, again ***');
    assert.equal(redact('abc stays', ['abc']), 'abc stays');
  });
});

describe('createLogger', () => {
  test('component tag, level, redaction, errors with stack', () => {
    const lines: [LogLevel, string][] = [];
    const log = createLogger((level, msg) => lines.push([level, msg]), 'tmux', () => ['s3cr3t-value']);
    log.info('spawn with ANTHROPIC_API_KEY=sk-ant-123456789');
    log.warn('value s3cr3t-value leaked');
    log.trace('t');
    log.debug('d');
    const err = new Error('boom Bearer abcdefghijkl');
    log.error(err);
    assert.deepEqual(lines.slice(0, 4), [
      ['info', '[tmux] spawn with ANTHROPIC_API_KEY=***'],
      ['warn', '[tmux] value *** leaked'],
      ['trace', '[tmux] t'],
      ['debug', '[tmux] d'],
    ]);
    assert.equal(lines[4]![0], 'error');
    assert.match(lines[4]![1], /^\[tmux\] Error: boom \*\*\*\n\s+at /);
  });

  test('childLogger prefixes its component', () => {
    const lines: string[] = [];
    const log = childLogger(createLogger((_l, m) => lines.push(m), 'core'), 'local');
    log.info('hello');
    log.error('bad');
    assert.deepEqual(lines, ['[core] [local] hello', '[core] [local] bad']);
  });
});
