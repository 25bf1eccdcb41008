import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { DEFAULT_CREDENTIAL_PATHS, KNOWN_CREDENTIAL_PATHS, resolveCredentialMounts, selectedCredentialPaths } from '../../../src/runtimes/docker/credentialMounts';

const home = '/home/me';
const existing = (...rel: string[]) => (p: string) => rel.map((r) => `${home}/${r}`).includes(p);

describe('credential mounts', () => {
  test('the known paths are the description\'s plus where today\'s CLIs keep their logins', () => {
    assert.deepEqual([...KNOWN_CREDENTIAL_PATHS].sort(), ['.aider', '.claude', '.claude.json', '.codex', '.config/claude', '.config/gcloud', '.gemini', '.gitconfig', '.ssh'].sort());
    assert.ok(!DEFAULT_CREDENTIAL_PATHS.includes('.ssh'), '~/.ssh only when asked for');
  });

  test('by default every known path that exists except ~/.ssh, read-only into /home/agent', () => {
    assert.deepEqual(resolveCredentialMounts(undefined, { homeDir: home, exists: existing('.claude', '.claude.json', '.gitconfig', '.ssh') }), [
      { source: '/home/me/.claude', target: '/home/agent/.claude' },
      { source: '/home/me/.claude.json', target: '/home/agent/.claude.json' },
      { source: '/home/me/.gitconfig', target: '/home/agent/.gitconfig' },
    ]);
    assert.deepEqual(resolveCredentialMounts(true, { homeDir: home, exists: () => false }), []);
  });

  test('false mounts nothing; a list mounts exactly those that exist, ~/ and trailing slashes tolerated', () => {
    assert.deepEqual(resolveCredentialMounts(false, { homeDir: home, exists: () => true }), []);
    assert.deepEqual(resolveCredentialMounts(['.ssh', '~/.config/opencode/', '.codex', '.ssh'], { homeDir: home, exists: existing('.ssh', '.config/opencode') }), [
      { source: '/home/me/.ssh', target: '/home/agent/.ssh' },
      { source: '/home/me/.config/opencode', target: '/home/agent/.config/opencode' },
    ]);
  });

  test('paths outside the home folder are refused', () => {
    for (const bad of ['/etc', '../x', '.config/../../etc', '', '.', '~root/.ssh']) {
      assert.throws(() => selectedCredentialPaths([bad]), (e) => isTmuxAgentsError(e, 'invalid-input') && /not a path inside the home folder/.test((e as Error).message), bad);
    }
  });
});
