// AgentModel with a real RuntimeManager and StatusService over scripted runtimes: what a
// scoped refresh re-lists and keeps, and what it tells the refresh manager to plan with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuntimeManager } from '../../../src/core/runtimeManager';
import type { AgentHandle, AgentInfo, AgentRuntime } from '../../../src/core/types';
import { nullLogger } from '../../../src/core/log';
import { StatusService } from '../../../src/status/statusService';
import { AgentModel } from '../../../src/vscode/agentModel';

/** A runtime that lists exited agents (decided by the runtime: nothing to probe) and counts its listings. */
function scripted(id: string, agents: string[], live: boolean) {
  const rt = {
    type: 'local',
    id,
    label: id,
    lists: 0,
    agents,
    async listAgents(): Promise<AgentInfo[]> {
      rt.lists++;
      return rt.agents.map((a) => ({
        handle: { runtimeType: 'local', runtimeId: id, agentId: a, sessionName: `ta-${a}`, data: {} } as AgentHandle,
        status: 'exited' as const,
        statusReason: 'the agent process exited with status 0',
        provider: 'custom',
      }));
    },
    isLive: () => live,
    spawnAgent: () => Promise.reject(new Error('unused')),
    killAgent: () => Promise.reject(new Error('unused')),
    getTmux: () => {
      throw new Error('unused');
    },
    getAttachCommand: () => ({ argv: [] }),
    ping: () => Promise.resolve(),
  };
  return rt;
}

function setup() {
  const manager = new RuntimeManager();
  const pushed = scripted('pushed', ['p1'], true);
  const polled = scripted('polled', ['d1', 'd2'], false);
  const empty = scripted('empty', [], false);
  for (const rt of [pushed, polled, empty]) manager.register(rt.id, rt as unknown as AgentRuntime);
  const model = new AgentModel(manager, new StatusService(), nullLogger);
  return { manager, model, pushed, polled, empty };
}

test('a scoped refresh re-lists only its runtimes and keeps the others\' last listing', async () => {
  const { model, pushed, polled, empty } = setup();
  await model.refresh();
  assert.deepEqual([pushed.lists, polled.lists, empty.lists], [1, 1, 1]);
  pushed.agents = ['p1', 'p2'];
  polled.agents = ['d1'];
  await model.refresh(['pushed']);
  assert.deepEqual([pushed.lists, polled.lists, empty.lists], [2, 1, 1]);
  assert.deepEqual(model.allAgents.map((a) => a.handle.agentId), ['p1', 'p2', 'd1', 'd2'], 'polled keeps its last listing, in registration order');
  model.dispose();
});

test('concurrent scoped refreshes coalesce into one more refresh of everything asked for', async () => {
  const { model, pushed, polled, empty } = setup();
  await model.refresh();
  const first = model.refresh(['pushed']);
  void model.refresh(['polled']);
  void model.refresh(['pushed']);
  await first;
  assert.deepEqual([pushed.lists, polled.lists, empty.lists], [3, 2, 1]);
  model.dispose();
});

test('the schedule says which runtimes need polling: agents that are not pushed; not empty or pushed ones', async () => {
  const { model } = setup();
  const before = Date.now();
  await model.refresh();
  const s = model.schedule();
  assert.ok(s.lastFullRefreshAt >= before);
  assert.deepEqual(s.runtimes.map((r) => [r.id, r.needsPolling, r.recheckAt]), [['pushed', false, undefined], ['polled', true, undefined], ['empty', false, undefined]]);
  assert.ok(s.runtimes.every((r) => r.listedAt >= before));
  model.dispose();
});
