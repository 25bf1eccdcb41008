// A CLI that asks something before it is ready (a trust dialog): the spawn tells the caller,
// waits for the answer instead of timing out, then delivers the task.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ProviderCatalog } from '../../../src/core/providers';
import { FAKE_AGENT_READY, waitForMessages } from '../../support/fakeAgent';
import { eventually, fakeAgentConfig, killTmuxServer, localRuntime, makeTempDir, rawTmux, removeDir, uniqueSocket } from './localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
let dir: string;

before(() => {
  dir = makeTempDir('blocked');
});
after(async () => {
  await killTmuxServer(SOCKET);
  removeDir(dir);
});

test('a question before the prompt: onBlocked names it, the answer unblocks, the task follows', async () => {
  const providers = new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY, blockedPattern: 'Do you trust the files' } });
  // A ready timeout far shorter than the time the user takes to answer.
  const runtime = localRuntime(SOCKET, { providers, readyTimeoutMs: 300 });
  const log = join(dir, 'asks.jsonl');
  const blocked: string[] = [];
  const config = {
    ...fakeAgentConfig('asks-1', { log, cwd: dir, task: 'after the answer', args: ['--ask', 'Do you trust the files in this folder?'] }),
    onBlocked: (line: string) => blocked.push(line),
  };
  const spawning = runtime.spawnAgent(config);
  await eventually('onBlocked', async () => (blocked.length ? true : undefined));
  assert.deepEqual(blocked, ['Do you trust the files in this folder? (y/n)']);
  // Longer than the ready timeout: the spawn must still be waiting, not failed.
  const early = await Promise.race([spawning.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), 800))]);
  assert.equal(early, 'pending');
  await rawTmux(SOCKET).sendKeys('ta-asks-1', 'y');
  const handle = await spawning;
  assert.equal(handle.agentId, 'asks-1');
  assert.deepEqual(await waitForMessages(log, 1), ['after the answer']);
  await runtime.killAgent(handle);
});
