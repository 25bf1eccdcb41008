// The secret-env hand-over is shell code: checked here with a real /bin/sh, on this machine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { checkSecretEnv, secretEnvScript, withSecretEnv, writeSecretEnvArgv } from '../../../src/runtimes/k8s/secretEnv';
import { TRICKY_TASKS } from '../../support/fakeAgent';

const SECRETS: Record<string, string> = {
  ANTHROPIC_API_KEY: 'sk-ant-abc123',
  QUOTED: `it's "quoted" $(touch /tmp/pwned-by-secret) \`x\` \\ ;`,
  MULTILINE: 'line one\nline two\n',
  UNICODE: TRICKY_TASKS.unicode!,
  EMPTY: '',
};

function run(argv: string[], input?: string) {
  return spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
}

describe('secret env hand-over', () => {
  test('written through stdin (0600), sourced, deleted, and byte-exact in the CLI\'s environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-secret-'));
    try {
      const file = join(dir, 'secret-env');
      const w = run(writeSecretEnvArgv(file), secretEnvScript(SECRETS));
      assert.equal(w.status, 0, w.stderr);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(readFileSync(file, 'utf8').includes('sk-ant-abc123'), true);
      // The CLI: prints its environment as JSON.
      const cli = ['node', '-e', 'process.stdout.write(JSON.stringify(process.env))'];
      const r = run(withSecretEnv(cli, file));
      assert.equal(r.status, 0, r.stderr);
      const env = JSON.parse(r.stdout) as Record<string, string>;
      for (const [k, v] of Object.entries(SECRETS)) assert.equal(env[k], v, k);
      assert.equal(existsSync(file), false, 'the file is gone before the CLI runs');
      assert.equal(existsSync('/tmp/pwned-by-secret'), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the wrapper keeps the CLI\'s argv intact', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ta-secret-'));
    try {
      const file = join(dir, 'secret-env');
      run(writeSecretEnvArgv(file), secretEnvScript({ K: 'v' }));
      const r = run(withSecretEnv(['printf', '[%s]', 'a b', '$HOME', ''], file));
      assert.equal(r.stdout, '[a b][$HOME][]');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('names and NULs are checked before anything exists', () => {
    assert.throws(() => checkSecretEnv({ 'BAD-NAME': 'x' }), (e: unknown) => isTmuxAgentsError(e, 'invalid-input') && /BAD-NAME/.test((e as Error).message));
    assert.throws(() => checkSecretEnv({ K: 'a\0b' }), (e: unknown) => isTmuxAgentsError(e, 'invalid-input'));
    checkSecretEnv(SECRETS);
    checkSecretEnv(undefined);
  });
});
