// Every captured screen under test/fixtures/screens/ against the detector, with the status
// and reason its manifest expects. A fixture without a manifest entry (or the reverse)
// fails, so no screen is silently left out.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildScreenRules } from '../../../src/status/screenRules';
import { detectStatus, type PaneSignal } from '../../../src/status/statusDetector';

const SCREENS = resolve(import.meta.dirname, '../../fixtures/screens');

interface FixtureCase {
  id: string;
  provider: string;
  screen: string;
  expected: string;
  reason: string;
  source: 'real' | 'documented';
  captured: string;
  how: string;
  pane?: { dead: boolean; deadStatus?: number };
  startedAgoSec?: number;
  activityAgoSec?: number;
}

const manifest = JSON.parse(readFileSync(join(SCREENS, 'expected.json'), 'utf8')) as { cases: FixtureCase[] };
const NOW = 1_795_600_000;
const rules = buildScreenRules();

describe('screen fixtures', () => {
  test('the manifest and the fixture files list the same screens', () => {
    const files = readdirSync(SCREENS)
      .filter((d) => statSync(join(SCREENS, d)).isDirectory())
      .flatMap((d) => readdirSync(join(SCREENS, d)).map((f) => `${d}/${f}`))
      .sort();
    const listed = [...new Set(manifest.cases.map((c) => c.screen))].sort();
    assert.deepEqual(listed, files);
    assert.equal(new Set(manifest.cases.map((c) => c.id)).size, manifest.cases.length, 'case ids are unique');
  });

  test('every provider with built-in rules has waiting, working and idle cases', () => {
    for (const provider of ['claude', 'gemini', 'codex', 'aider', 'opencode']) {
      const statuses = new Set(manifest.cases.filter((c) => c.provider === provider).map((c) => c.expected));
      for (const s of ['waiting', 'working', 'idle']) assert.ok(statuses.has(s), `${provider} has a ${s} fixture`);
    }
  });

  test('real captures exist for the CLIs in the agent image', () => {
    for (const provider of ['claude', 'gemini', 'codex']) {
      assert.ok(manifest.cases.filter((c) => c.provider === provider).every((c) => c.source === 'real'), provider);
    }
    assert.ok(manifest.cases.some((c) => c.provider === 'gemini' && c.expected === 'waiting' && /trust/.test(c.reason)));
    assert.ok(manifest.cases.some((c) => c.provider === 'claude' && c.expected === 'exited'));
  });

  for (const c of manifest.cases) {
    test(`${c.id} (${c.source}) is ${c.expected}: ${c.reason}`, () => {
      const screen = readFileSync(join(SCREENS, c.screen), 'utf8');
      const pane: PaneSignal = { dead: c.pane?.dead ?? false, deadStatus: c.pane?.deadStatus, activityAt: NOW - (c.activityAgoSec ?? 60) };
      const d = detectStatus({
        provider: c.provider,
        now: NOW,
        startedAt: NOW - (c.startedAgoSec ?? 3600),
        pane,
        screen,
        rules: rules.forProvider(c.provider),
      });
      assert.deepEqual({ status: d.status, reason: d.reason }, { status: c.expected, reason: c.reason });
    });
  }

  test('a screen of one CLI is not recognised by the rules of a CLI that never shows it', () => {
    // Gemini's trust dialog under Codex's rules: no Codex rule claims it.
    const screen = readFileSync(join(SCREENS, 'gemini/trust-dialog.txt'), 'utf8');
    const d = detectStatus({ provider: 'codex', now: NOW, startedAt: NOW - 3600, pane: { dead: false, activityAt: NOW - 60 }, screen, rules: rules.forProvider('codex') });
    assert.equal(d.status, 'running');
    assert.equal(d.reason, 'screen matched no codex rule, no output for 1m');
  });
});
