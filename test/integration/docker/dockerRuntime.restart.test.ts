// Agents come back after their container restarts: when the container dies on its own
// (RestartPolicy unless-stopped brings it back) and when the Docker daemon itself restarts.
// The CLI is relaunched in a fresh session; the task is not re-sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentHandle } from '../../../src/core/types';
import { DockerRuntime } from '../../../src/runtimes/docker';
import { readAgentLog, waitForMessages } from '../../support/fakeAgent';
import {
  cleanupRuntime,
  containersOf,
  docker,
  fakeAgentConfig,
  makeWorkspace,
  newRuntime,
  removeDir,
  requireDockerAndImage,
  uniqueId,
  waitFor,
} from './dockerTestSupport';

const RUNTIME = uniqueId('it-restart');
const DOCKERD_SH = resolve(import.meta.dirname, '../../../scripts/setup/dockerd.sh');
const GRACE_MS = 1_000;
let ws: string;
const runtimes: DockerRuntime[] = [];

function runtime(): DockerRuntime {
  const r = newRuntime(RUNTIME, { restoreGraceMs: GRACE_MS });
  runtimes.push(r);
  return r;
}

before(async () => {
  await requireDockerAndImage();
  ws = makeWorkspace('restart');
});

after(async () => {
  for (const r of runtimes) r.dispose();
  try {
    await cleanupRuntime(RUNTIME);
  } finally {
    if (ws) removeDir(ws);
  }
});

const starts = (log: string) => readAgentLog(log).filter((e) => e.event === 'started').length;

/** Lists until the agent is running again (the listing itself triggers the relaunch). */
async function waitUntilBack(rt: DockerRuntime, agentId: string, timeoutMs = 60_000): Promise<AgentHandle> {
  const t0 = Date.now();
  const seen = new Set<string>();
  const info = await waitFor(
    `agent ${agentId} running again`,
    async () => {
      const a = (await rt.listAgents().catch(() => [])).find((x) => x.handle.agentId === agentId);
      if (a) seen.add(`${a.status}: ${a.statusReason}`);
      return a?.status === 'running' ? a : undefined;
    },
    timeoutMs,
  );
  console.log(`agent ${agentId} back after ${Date.now() - t0} ms; states seen: ${[...seen].join(' | ')}`);
  return info.handle;
}

describe('DockerRuntime restarts', () => {
  test('a container that dies is restarted by Docker and its agent CLI is relaunched, without re-sending the task', async () => {
    const rt = runtime();
    const log = join(ws, 'crash.log');
    const h = await rt.spawnAgent(fakeAgentConfig('crash-a', ws, { task: 'only once', env: { FAKE_AGENT_LOG: '/workspace/crash.log' } }));
    assert.deepEqual(await waitForMessages(log, 1), ['only once']);
    const before = await docker.getContainer(h.data.containerId!).inspect();
    // SIGKILL the container's init from the host: an exit Docker did not cause, so the
    // restart policy applies (as it does when the daemon comes back).
    process.kill(before.State.Pid, 'SIGKILL');
    await waitFor('Docker to restart the container', async () => {
      const s = await docker.getContainer(h.data.containerId!).inspect();
      return s.State.Running && s.State.StartedAt !== before.State.StartedAt ? true : undefined;
    });
    const back = await waitUntilBack(rt, 'crash-a');
    assert.equal(back.data.containerId, h.data.containerId);
    assert.equal(starts(log), 2, `the CLI was started again; log: ${JSON.stringify(readAgentLog(log))}; screen: ${await rt.getTmux(back).capturePane(back.sessionName)}`);
    assert.deepEqual(readAgentLog(log).filter((e) => e.event === 'message').map((e) => e.text), ['only once'], 'the task was not re-sent');
    const tmux = rt.getTmux(back);
    assert.match(await tmux.capturePane(back.sessionName), /fake-agent>/);
    assert.equal(await tmux.showOption(back.sessionName, '@tmux-agents.agent-id'), 'crash-a', 'the session has its labels again');
    await rt.killAgent(back);
    assert.deepEqual(containersOf(RUNTIME), []);
  });

  test('after a Docker daemon restart the agent comes back and every operation works on it', async () => {
    assert.ok(existsSync(DOCKERD_SH), `${DOCKERD_SH} is missing: it starts and restarts the test Engine`);
    const rt = runtime();
    let reconnects = 0;
    const sub = rt.onDidChangeAgents(() => reconnects++);
    const log = join(ws, 'daemon.log');
    const h = await rt.spawnAgent(fakeAgentConfig('daemon-a', ws, { task: 'before restart', env: { FAKE_AGENT_LOG: '/workspace/daemon.log' } }));
    assert.deepEqual(await waitForMessages(log, 1), ['before restart']);
    const firedBefore = reconnects;

    const t0 = Date.now();
    const r = spawnSync('bash', [DOCKERD_SH, 'restart'], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(
      r.status,
      0,
      `"bash scripts/setup/dockerd.sh restart" failed (exit ${r.status}): ${r.stderr.trim()}\n` +
        'It can only restart an Engine it started itself: stop the other dockerd and run "bash scripts/setup/test-env.sh" (which starts it through dockerd.sh).',
    );
    console.log(`daemon restart took ${Date.now() - t0} ms`);

    // The event stream broke with the daemon and came back: the tree is told.
    await waitFor('the event stream to reconnect', () => (reconnects > firedBefore ? true : undefined), 30_000);
    // A fresh instance, as after a VS Code reload, and the old one both see it.
    const fresh = runtime();
    const back = await waitUntilBack(fresh, 'daemon-a');
    assert.equal(back.data.containerId, h.data.containerId);
    assert.equal(starts(log), 2);
    const tmux = fresh.getTmux(back);
    assert.match(await tmux.capturePane(back.sessionName), /fake-agent>/);
    assert.equal((await rt.listAgents()).find((a) => a.handle.agentId === 'daemon-a')?.status, 'running');
    assert.deepEqual(fresh.getAttachCommand(back).argv, rt.getAttachCommand(h).argv);
    sub.dispose();
    await fresh.killAgent(back);
    assert.deepEqual(containersOf(RUNTIME), []);
  });
});
