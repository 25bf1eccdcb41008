// Live status for agents in containers: a tmux change watcher per container, pushing pane
// deaths, hooks and output through onDidChangeAgents, nothing while idle, and nothing left
// attached once nobody listens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { AgentHandle } from '../../../src/core/types';
import type { DockerRuntime } from '../../../src/runtimes/docker';
import { waitForMessages } from '../../support/fakeAgent';
import { AGENT_UID, fakeAgentConfig, makeWorkspace, newRuntime, requireDockerAndImage, tearDown, uniqueId, waitFor } from './dockerTestSupport';

const RUNTIME = uniqueId('it-live');
let ws: string;
let rt: DockerRuntime;

before(async () => {
  await requireDockerAndImage();
  ws = makeWorkspace('live');
  rt = newRuntime(RUNTIME, { activityThrottleMs: 200 });
});

after(() => tearDown(rt, RUNTIME, ws));

/** tmux in the agent's container, run with the docker CLI: a change from outside VS Code. */
function tmuxIn(h: AgentHandle, ...args: string[]): string {
  return execFileSync('docker', ['exec', '-u', `${AGENT_UID}:${AGENT_UID}`, h.data.containerId!, 'tmux', '-L', 'tmux-agents', ...args], { encoding: 'utf8' });
}
const controlClients = (h: AgentHandle) => tmuxIn(h, 'list-clients', '-F', '#{client_control_mode}').split('\n').filter((l) => l === '1').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DockerRuntime live updates', () => {
  test('pushed from inside the containers: output, a hook state; nothing while idle; nothing left when nobody listens', async () => {
    let events = 0;
    const sub = rt.onDidChangeAgents(() => events++);
    try {
      const a = await rt.spawnAgent(fakeAgentConfig('live-a', ws, { env: { FAKE_AGENT_LOG: '/workspace/live-a.log' } }));
      const b = await rt.spawnAgent(fakeAgentConfig('live-b', ws, { env: { FAKE_AGENT_LOG: '/workspace/live-b.log' } }));
      assert.equal(rt.isLive(), false, 'not before a listing attached the watchers');
      assert.equal((await rt.listAgents()).length, 2);
      assert.equal(rt.isLive(), true);
      // In each container: the command client and the watcher.
      assert.equal(controlClients(a), 2);
      assert.equal(controlClients(b), 2);

      // The subscriptions' first values come within a second; after that, idle means silent.
      await sleep(1_500);
      events = 0;
      await sleep(3_200);
      assert.equal(events, 0, 'idle containers push nothing');

      tmuxIn(a, 'send-keys', '-t', '=ta-live-a:', '-l', 'typed from outside');
      tmuxIn(a, 'send-keys', '-t', '=ta-live-a:', 'Enter');
      await waitFor('a push for output in container a', () => (events > 0 ? true : undefined), 5_000);
      assert.deepEqual(await waitForMessages(join(ws, 'live-a.log'), 1), ['typed from outside']);

      events = 0;
      tmuxIn(b, 'set-option', '-p', '-t', '=ta-live-b:', '@tmux-agents.hook-state', 'waiting');
      await waitFor('a push for a hook state in container b', () => (events > 0 ? true : undefined), 5_000);

      sub.dispose();
      await waitFor('the watchers to detach once nobody listens', () => (controlClients(a) === 1 && controlClients(b) === 1 ? true : undefined), 10_000);
      assert.equal(rt.isLive(), false);
      await rt.killAgent(a);
      await rt.killAgent(b);
    } finally {
      sub.dispose();
    }
  });
});
