import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { boundedStdinArgv, exitCodeFromStatus } from '../../../src/runtimes/k8s/k8sExecExecutor';
import { TRICKY_TASKS } from '../../support/fakeAgent';

describe('exitCodeFromStatus', () => {
  test('Success is 0; NonZeroExitCode carries the code in details.causes', () => {
    assert.equal(exitCodeFromStatus({ metadata: {}, status: 'Success' }), 0);
    assert.equal(
      exitCodeFromStatus({
        metadata: {},
        status: 'Failure',
        message: 'command terminated with non-zero exit code: error executing command [tmux has-session -t =x], exit code 1',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '1' }] },
      }),
      1,
    );
  });
  test('failures of the exec itself, or no status, have no exit code', () => {
    assert.equal(exitCodeFromStatus({ metadata: {}, status: 'Failure', reason: 'InternalError', message: 'OCI runtime exec failed' }), undefined);
    assert.equal(exitCodeFromStatus({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: 'x' }] } }), undefined);
    assert.equal(exitCodeFromStatus(undefined), undefined);
  });
});

describe('boundedStdinArgv (v4: stdin cannot be half-closed)', () => {
  test('the command reads exactly the input, sees EOF, and keeps its exit code (a real sh)', () => {
    const input = Buffer.from(TRICKY_TASKS.large! + TRICKY_TASKS.unicode!, 'utf8');
    // The stream stays open after the input (like a v4 socket): more bytes would follow, EOF never comes.
    const argv = boundedStdinArgv(['sh', '-c', 'cat; exit 7'], input.length);
    const r = spawnSync(argv[0]!, argv.slice(1), { input: Buffer.concat([input, Buffer.from('NOT PART OF THE INPUT')]) });
    assert.equal(r.status, 7);
    assert.deepEqual(r.stdout, input);
  });
  test('a missing program is still 127', () => {
    const argv = boundedStdinArgv(['no-such-program-xyz'], 3);
    const r = spawnSync(argv[0]!, argv.slice(1), { input: 'abc', encoding: 'utf8' });
    assert.equal(r.status, 127);
    assert.match(r.stderr, /not found/);
  });
});
