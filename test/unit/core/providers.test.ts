import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILTIN_PROVIDERS, ProviderCatalog } from '../../../src/core/providers';
import { isTmuxAgentsError } from '../../../src/core/errors';

const invalid = (pattern: RegExp) => (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && pattern.test(e.message);

describe('ProviderCatalog builtins', () => {
  const expected: Record<string, { plain: string[]; autoPilot: string[] }> = {
    claude: { plain: ['claude'], autoPilot: ['claude', '--dangerously-skip-permissions'] },
    gemini: { plain: ['gemini'], autoPilot: ['gemini', '--yolo'] },
    codex: { plain: ['codex'], autoPilot: ['codex', '--dangerously-bypass-approvals-and-sandbox'] },
    aider: { plain: ['aider'], autoPilot: ['aider', '--yes-always'] },
    opencode: { plain: ['opencode'], autoPilot: ['opencode'] },
  };

  test('the catalog lists exactly the builtins, custom included', () => {
    assert.deepEqual(new ProviderCatalog().list().map((p) => p.id), ['claude', 'gemini', 'codex', 'aider', 'opencode', 'custom']);
  });

  for (const [id, want] of Object.entries(expected)) {
    test(`${id}: argv with and without auto-pilot`, () => {
      const c = new ProviderCatalog();
      assert.deepEqual(c.resolveLaunch({ aiProvider: id }).argv, want.plain);
      assert.deepEqual(c.resolveLaunch({ aiProvider: id, autoPilot: false }).argv, want.plain);
      assert.deepEqual(c.resolveLaunch({ aiProvider: id, autoPilot: true }).argv, want.autoPilot);
    });
  }

  test('every builtin ready pattern compiles as a multiline regex', () => {
    const c = new ProviderCatalog();
    for (const p of BUILTIN_PROVIDERS.filter((x) => x.id !== 'custom')) {
      const r = c.resolveLaunch({ aiProvider: p.id }).readyPattern;
      assert.ok(r instanceof RegExp, p.id);
      assert.equal(r.flags, 'm', p.id);
      assert.equal(r.source, p.readyPattern, p.id);
    }
  });

  test('a builtin ready pattern matches its CLI prompt line', () => {
    const c = new ProviderCatalog();
    assert.ok(c.resolveLaunch({ aiProvider: 'claude' }).readyPattern!.test('╭──╮\n│ > │\n  ? for shortcuts'));
    assert.ok(c.resolveLaunch({ aiProvider: 'aider' }).readyPattern!.test('Aider v0.80\nmain.py> \n'));
    assert.ok(!c.resolveLaunch({ aiProvider: 'gemini' }).readyPattern!.test('Loading extensions...'));
  });

  test('overrides do not leak into the builtins or other catalogs', () => {
    const c = new ProviderCatalog({ claude: { command: ['other'] } });
    assert.deepEqual(BUILTIN_PROVIDERS.find((p) => p.id === 'claude')!.command, ['claude']);
    assert.deepEqual(new ProviderCatalog().resolveLaunch({ aiProvider: 'claude' }).argv, ['claude']);
    assert.deepEqual(c.resolveLaunch({ aiProvider: 'claude' }).argv, ['other']);
  });
});

describe('ProviderCatalog custom', () => {
  test('runs the user command line through sh -c, auto-pilot or not', () => {
    const c = new ProviderCatalog();
    assert.deepEqual(c.resolveLaunch({ aiProvider: 'custom', customCommand: '  python3 my_agent.py --x "a b"  ' }).argv, ['sh', '-c', 'python3 my_agent.py --x "a b"']);
    assert.deepEqual(c.resolveLaunch({ aiProvider: 'custom', customCommand: 'x', autoPilot: true }).argv, ['sh', '-c', 'x']);
    assert.equal(c.resolveLaunch({ aiProvider: 'custom', customCommand: 'x' }).readyPattern, undefined);
  });

  test('requires a command', () => {
    const c = new ProviderCatalog();
    for (const customCommand of [undefined, '', '   \n\t']) {
      assert.throws(() => c.resolveLaunch({ aiProvider: 'custom', customCommand }), invalid(/custom provider needs a command line/));
    }
  });

  test('an override can give custom a ready pattern', () => {
    const c = new ProviderCatalog({ custom: { readyPattern: 'fake-agent> ' } });
    const l = c.resolveLaunch({ aiProvider: 'custom', customCommand: 'node a.mjs' });
    assert.deepEqual(l.readyPattern, /fake-agent> /m);
  });
});

describe('ProviderCatalog overrides', () => {
  test('command, auto-pilot flags, env and label', () => {
    const c = new ProviderCatalog({
      claude: { command: ['/opt/bin/claude', '--model', 'opus'], autoPilotArgs: ['--permission-mode', 'bypassPermissions'], env: { FROM_PROVIDER: '1', SHARED: 'provider' }, label: 'My Claude' },
    });
    assert.equal(c.get('claude').label, 'My Claude');
    assert.equal(c.get('claude').id, 'claude');
    const l = c.resolveLaunch({ aiProvider: 'claude', autoPilot: true, env: { SHARED: 'agent', OTHER: 'x' } });
    assert.deepEqual(l.argv, ['/opt/bin/claude', '--model', 'opus', '--permission-mode', 'bypassPermissions']);
    assert.deepEqual(l.env, { FROM_PROVIDER: '1', SHARED: 'agent', OTHER: 'x' }, 'agent env wins over provider env');
    assert.deepEqual(l.readyPattern?.source, BUILTIN_PROVIDERS[0]!.readyPattern, 'fields not overridden stay');
  });

  test('an override cannot rename a provider', () => {
    const c = new ProviderCatalog({ gemini: { id: 'evil' } as never });
    assert.equal(c.get('gemini').id, 'gemini');
  });

  test('an emptied command is reported, not run', () => {
    const c = new ProviderCatalog({ aider: { command: [] } });
    assert.throws(() => c.resolveLaunch({ aiProvider: 'aider' }), invalid(/Provider aider has no command configured/));
  });

  test('a bad ready pattern is reported with the regex error', () => {
    const c = new ProviderCatalog({ codex: { readyPattern: '(unclosed' } });
    assert.throws(() => c.resolveLaunch({ aiProvider: 'codex' }), invalid(/Provider codex has an invalid readyPattern: .*Unterminated group/));
  });
});

describe('ProviderCatalog errors', () => {
  test('unknown provider lists the known ones', () => {
    assert.throws(() => new ProviderCatalog().resolveLaunch({ aiProvider: 'gpt' }), invalid(/Unknown AI provider "gpt"\. Use one of: claude, gemini, codex, aider, opencode, custom\./));
    assert.throws(() => new ProviderCatalog().get('Claude'), invalid(/Unknown AI provider/));
  });

  test('bad environment variable names', () => {
    const c = new ProviderCatalog();
    for (const name of ['', '1ABC', 'A-B', 'A B', 'A=B', 'ÄPFEL', 'X;']) {
      assert.throws(() => c.resolveLaunch({ aiProvider: 'claude', env: { [name]: 'v' } }), invalid(/Invalid environment variable name/), JSON.stringify(name));
    }
  });

  test('good names and free-text values pass unchanged', () => {
    const env = { _X: '', a1: 'x', ANTHROPIC_API_KEY: "sk-'\"$(x);\n\tü" };
    assert.deepEqual(new ProviderCatalog().resolveLaunch({ aiProvider: 'claude', env }).env, env);
  });

  test('a NUL byte in a value is rejected', () => {
    assert.throws(() => new ProviderCatalog().resolveLaunch({ aiProvider: 'claude', env: { K: 'a\0b' } }), invalid(/K contains a NUL byte/));
  });
});
