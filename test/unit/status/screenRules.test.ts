import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILTIN_SCREEN_RULES, buildScreenRules, matchScreen, meaningfulLines } from '../../../src/status/screenRules';

const screen = (p: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures/screens', p), 'utf8');

describe('screen rules as data', () => {
  test('built-in rules for the five CLIs, none for custom', () => {
    assert.deepEqual(Object.keys(BUILTIN_SCREEN_RULES).sort(), ['aider', 'claude', 'codex', 'gemini', 'opencode']);
    const set = buildScreenRules();
    assert.equal(set.forProvider('custom'), undefined);
    assert.deepEqual(set.errors, []);
    // Every built-in pattern compiles and is tried in waiting, working, idle order.
    for (const p of Object.keys(BUILTIN_SCREEN_RULES)) {
      const order = set.forProvider(p)!.map((r) => r.status);
      assert.deepEqual(order, [...order].sort((a, b) => ['waiting', 'working', 'idle'].indexOf(a) - ['waiting', 'working', 'idle'].indexOf(b)), p);
    }
  });

  test('user rules come before the built-in ones of their status', () => {
    const set = buildScreenRules({ claude: { waiting: ['Proceed\\?'] } });
    const rules = set.forProvider('claude')!;
    assert.equal(rules[0]!.label, 'custom rule /Proceed\\?/');
    assert.equal(rules[0]!.status, 'waiting');
    assert.ok(rules.length > 1, 'built-in rules kept');
  });

  test('replace drops the built-in rules of that provider', () => {
    const rules = buildScreenRules({ claude: { idle: ['^\\$ $'], replace: true } }).forProvider('claude')!;
    assert.deepEqual(rules.map((r) => r.label), ['custom rule /^\\$ $/']);
  });

  test('a custom provider gets rules from settings', () => {
    const set = buildScreenRules({ custom: { waiting: ['\\[y/N\\]'], working: ['Working…'], idle: ['^my-agent> ?$'] } });
    const rules = set.forProvider('custom')!;
    assert.deepEqual(rules.map((r) => r.status), ['waiting', 'working', 'idle']);
    assert.deepEqual(matchScreen(rules, 'Delete 3 files? [y/N]\n'), { status: 'waiting', label: 'custom rule /\\[y/N\\]/' });
    assert.deepEqual(matchScreen(rules, 'done\nmy-agent> \n\n'), { status: 'idle', label: 'custom rule /^my-agent> ?$/' });
  });

  test('a bad user regex is reported and skipped; the rest still apply', () => {
    const set = buildScreenRules({ claude: { waiting: ['(unclosed', 'ok'] }, gemini: { busy: ['x'] } as never, codex: { idle: 'x' as never } });
    assert.equal(set.errors.length, 3);
    assert.match(set.errors[0]!, /claude\.waiting\[0\] "\(unclosed" is not a valid regular expression/);
    assert.match(set.errors.join('\n'), /Unknown screen rule status "busy" for gemini/);
    assert.match(set.errors.join('\n'), /codex\.idle must be a list/);
    assert.equal(set.forProvider('claude')![0]!.label, 'custom rule /ok/');
  });
});

describe('matching the bottom of the screen', () => {
  const rules = buildScreenRules().forProvider('claude')!;

  test('a dialog far above the bottom no longer counts', () => {
    const dialog = screen('claude/trust-dialog.txt');
    assert.equal(matchScreen(rules, dialog)?.label, 'trust dialog');
    const scrolledAway = dialog + Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    assert.equal(matchScreen(rules, scrolledAway), undefined);
  });

  test('waiting beats working beats idle', () => {
    // Claude draws its input box under the spinner and under dialogs.
    assert.equal(matchScreen(rules, screen('claude/working.txt'))?.status, 'working');
    assert.equal(matchScreen(rules, screen('claude/permission-prompt.txt'))?.status, 'waiting');
  });

  test('the dialog nearest the bottom names the status (Gemini: sign-in under an old trust dialog)', () => {
    const g = buildScreenRules().forProvider('gemini')!;
    const s = screen('gemini/auth-dialog.txt');
    assert.match(s, /Do you trust the files in this folder\?/);
    assert.deepEqual(matchScreen(g, s), { status: 'waiting', label: 'sign-in dialog' });
  });

  test('a generic footer names the status only when no specific rule matches', () => {
    assert.equal(matchScreen(rules, screen('claude/permission-prompt.txt'))?.label, 'permission prompt');
    assert.equal(matchScreen(rules, screen('claude/api-key-question.txt'))?.label, 'choice menu');
  });

  test('a question in Claude prose is not a permission prompt', () => {
    const prose = '● I can delete the build directory. Do you want to proceed?\n\n' + screen('claude/idle.txt');
    assert.deepEqual(matchScreen(rules, prose), { status: 'idle', label: 'input prompt' });
  });

  test('blank and frame-only lines do not count, frame borders are stripped, long rules stay', () => {
    // Horizontal rules stay: Claude's input box is "❯" between two of them.
    assert.deepEqual(meaningfulLines('a\n\n   \n╭──────╮\n│ text │\n▄▄▄▄\n' + '─'.repeat(20) + '\n'), ['a', 'text', '─'.repeat(20)]);
  });
});
