import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateAgentId, sessionNameFor, validateAgentId, validateRuntimeId, validateSessionName } from '../../../src/core/ids';
import { isTmuxAgentsError } from '../../../src/core/errors';

const invalid = (e: unknown) => isTmuxAgentsError(e, 'invalid-input');

describe('validateAgentId', () => {
  const valid = ['a', '0', 'fix-login-2', 'a--b', 'claude-x1y2z', 'a'.repeat(63), `a${'-'.repeat(61)}b`];
  for (const id of valid) {
    test(`accepts ${JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id)}`, () => {
      assert.equal(validateAgentId(id), id);
    });
  }

  const bad = ['', 'A', 'Fix-login', 'ünï', 'agent-日本', 'a'.repeat(64), '-a', 'a-', 'a_b', 'a.b', 'a b', 'a;', 'a\n', '=a', 'a:b', '#(x)', ' a'];
  for (const id of bad) {
    test(`rejects ${JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id)}`, () => {
      assert.throws(() => validateAgentId(id), (e) => invalid(e) && (e as Error).message.startsWith(`Invalid agent id ${JSON.stringify(id)}: use 1-63 lowercase letters`));
    });
  }
});

describe('sessionNameFor', () => {
  test('prefix ta-', () => {
    assert.equal(sessionNameFor('fix-1'), 'ta-fix-1');
  });
  test('validates', () => {
    assert.throws(() => sessionNameFor('Bad'), invalid);
  });
});

describe('validateSessionName', () => {
  test('accepts plain names', () => {
    for (const n of ['ta-x', 'my_session', 'A1', '_x', 'x'.repeat(100)]) assert.equal(validateSessionName(n), n);
  });
  test('rejects names tmux would change or expand', () => {
    for (const n of ['', 'a.b', 'a:b', '#(touch x)', 'a#{host}', '-x', 'a b', 'ünï', 'x'.repeat(101), 'a;']) {
      assert.throws(() => validateSessionName(n), invalid, JSON.stringify(n));
    }
  });
});

describe('validateRuntimeId', () => {
  test('accepts', () => {
    for (const id of ['local', 'ssh.build_box-1', 'Docker', 'k8s', 'a'.repeat(63)]) assert.equal(validateRuntimeId(id), id);
  });
  test('rejects', () => {
    for (const id of ['', '-x', '.x', '_x', 'a'.repeat(64), 'a b', 'a/b', 'ünï', 'a;']) {
      assert.throws(() => validateRuntimeId(id), (e) => invalid(e) && /Invalid runtime id/.test((e as Error).message), JSON.stringify(id));
    }
  });
});

describe('generateAgentId', () => {
  test('provider slug and a 5-char base-36 suffix', () => {
    assert.equal(generateAgentId('claude', () => 0), 'claude-00000');
    assert.equal(generateAgentId('claude', () => 0.999999999), 'claude-zzzzz');
    assert.equal(generateAgentId('Gemini CLI!', () => 0.5), `gemini-cli-${Math.floor(0.5 * 36 ** 5).toString(36)}`);
  });

  test('falls back to "agent" when nothing of the provider name is usable', () => {
    assert.equal(generateAgentId('日本', () => 0), 'agent-00000');
    assert.equal(generateAgentId('', () => 0), 'agent-00000');
    assert.equal(generateAgentId('---', () => 0), 'agent-00000');
  });

  test('always a valid agent id, whatever the provider name', () => {
    const names = ['claude', 'A'.repeat(200), `${'x'.repeat(49)}-y`, '-lead', 'trail-', 'ünï côdé', 'a.b_c d', '🚀', '9lives'];
    for (const n of names) {
      for (const r of [0, 0.3, 0.999999]) {
        const id = generateAgentId(n, () => r);
        assert.doesNotThrow(() => validateAgentId(id), `${n} -> ${id}`);
      }
    }
  });

  test('random by default', () => {
    const ids = new Set(Array.from({ length: 50 }, () => generateAgentId('claude')));
    assert.ok(ids.size > 45);
  });
});
