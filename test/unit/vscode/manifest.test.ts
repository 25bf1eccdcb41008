// The manifest and the code agree: every contributed setting is read, every setting read is
// contributed, every contributed command is registered and every registered one contributed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { COMMAND_IDS } from '../../../src/vscode/commands/registerCommands';
import { SECTION, Setting } from '../../../src/vscode/configuration';

const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8'));

test('settings in package.json are exactly the ones configuration.ts reads', () => {
  const contributed = Object.keys(manifest.contributes.configuration.properties).sort();
  const read = Object.values(Setting).map((k) => `${SECTION}.${k}`).sort();
  assert.deepEqual(contributed, read);
});

test('commands in package.json are exactly the registered ones, all in the category', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, [...COMMAND_IDS].sort());
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'Tmux Agents', c.command);
});

test('menus only reference contributed commands', () => {
  const known = new Set(COMMAND_IDS);
  for (const [menu, entries] of Object.entries(manifest.contributes.menus) as [string, { command: string }[]][]) {
    for (const e of entries) assert.ok(known.has(e.command), `${menu} references unknown ${e.command}`);
  }
});
