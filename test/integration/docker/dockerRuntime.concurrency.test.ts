// Several Docker runtimes on one daemon, spawns racing to create the network, and the
// event stream that tells the tree about changes made outside VS Code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { waitForMessages } from '../../support/fakeAgent';
import { DockerRuntime } from '../../../src/runtimes/docker';
import {
  captureLogger,
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

const A = uniqueId('it-conc-a');
const B = uniqueId('it-conc-b');
const NETWORK = uniqueId('tmux-agents-it-net');
let ws: string;
const runtimes: DockerRuntime[] = [];

async function networksNamed(name: string) {
  return (await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
}

before(async () => {
  await requireDockerAndImage();
  ws = makeWorkspace('conc');
});

after(async () => {
  for (const r of runtimes) r.dispose();
  try {
    await cleanupRuntime(A);
    await cleanupRuntime(B);
  } finally {
    for (const n of await networksNamed(NETWORK)) await docker.getNetwork(n.Id).remove().catch(() => undefined);
    if (ws) removeDir(ws);
  }
});

describe('DockerRuntime concurrency', () => {
  test('spawns racing to create a missing network all succeed on one network; two runtimes each list only their own agents', async () => {
    assert.equal((await networksNamed(NETWORK)).length, 0);
    const logs = captureLogger();
    const a = newRuntime(A, { network: NETWORK, logger: logs.logger });
    const b = newRuntime(B, { network: NETWORK, logger: logs.logger });
    runtimes.push(a, b);
    const results = await Promise.allSettled([
      a.spawnAgent(fakeAgentConfig('race-1', ws, { task: 'one', env: { FAKE_AGENT_LOG: '/workspace/race-1.log' } })),
      a.spawnAgent(fakeAgentConfig('race-2', ws, { task: 'two', env: { FAKE_AGENT_LOG: '/workspace/race-2.log' } })),
      b.spawnAgent(fakeAgentConfig('race-3', ws, { task: 'three', env: { FAKE_AGENT_LOG: '/workspace/race-3.log' } })),
    ]);
    for (const r of results) assert.equal(r.status, 'fulfilled', r.status === 'rejected' ? String(r.reason) : '');
    assert.deepEqual(await waitForMessages(join(ws, 'race-3.log'), 1), ['three']);
    const nets = await networksNamed(NETWORK);
    assert.equal(nets.length, 1, `exactly one network named ${NETWORK}`);
    const created = logs.lines.filter((l) => l.includes(`Created Docker network ${NETWORK}`)).length;
    const removed = logs.lines.filter((l) => l.includes('Removed duplicate Docker network')).length;
    console.log(`network race: ${created} creates succeeded, ${removed} duplicates removed`);
    for (const r of results) {
      const h = (r as PromiseFulfilledResult<Awaited<ReturnType<DockerRuntime['spawnAgent']>>>).value;
      const info = await docker.getContainer(h.data.containerId!).inspect();
      assert.equal(info.NetworkSettings.Networks[NETWORK]?.NetworkID, nets[0]!.Id);
    }
    assert.deepEqual((await a.listAgents()).map((x) => x.handle.agentId).sort(), ['race-1', 'race-2']);
    assert.deepEqual((await b.listAgents()).map((x) => x.handle.agentId), ['race-3']);
    assert.ok((await a.listAgents()).every((x) => x.handle.runtimeId === A));
    // B cannot act on A's agents.
    const a1 = (await a.listAgents())[0]!;
    assert.throws(() => b.getTmux(a1.handle), /belongs to runtime/);
    for (const x of await a.listAgents()) await a.killAgent(x.handle);
    for (const x of await b.listAgents()) await b.killAgent(x.handle);
    assert.deepEqual([...containersOf(A), ...containersOf(B)], []);
  });

  test('changes made outside VS Code reach onDidChangeAgents within a second, without polling', async () => {
    const a = newRuntime(A);
    runtimes.push(a);
    let fired = 0;
    let lastFire = 0;
    const sub = a.onDidChangeAgents(() => {
      fired++;
      lastFire = Date.now();
    });
    try {
      const h = await a.spawnAgent(fakeAgentConfig('evented', ws, { env: { FAKE_AGENT_LOG: '/workspace/evented.log' } }));
      await waitFor('the create/start events of our own spawn', () => (fired > 0 ? true : undefined), 5_000);
      // Let the burst of our own spawn pass, then act from outside with the docker CLI.
      await waitFor('a quiet moment', () => (Date.now() - lastFire > 300 ? true : undefined), 5_000);
      const before = fired;
      const t0 = Date.now();
      execFileSync('docker', ['rm', '-f', h.data.containerId!]);
      const tCli = Date.now();
      await waitFor('an event after docker rm -f', () => (fired > before ? true : undefined), 1_000);
      console.log(`event after an outside "docker rm -f": ${lastFire - tCli} ms after the command returned (${lastFire - t0} ms after it started)`);
      assert.ok(!(await a.listAgents()).some((x) => x.handle.agentId === 'evented'));
    } finally {
      sub.dispose();
      a.dispose();
    }
    // Disposed: the stream is closed, so nothing fires any more.
    const after = fired;
    const other = newRuntime(A);
    runtimes.push(other);
    const h2 = await other.spawnAgent(fakeAgentConfig('evented-2', ws, { env: { FAKE_AGENT_LOG: '/workspace/evented-2.log' } }));
    await docker.getContainer(h2.data.containerId!).remove({ force: true });
    assert.equal(fired, after);
  });
});
