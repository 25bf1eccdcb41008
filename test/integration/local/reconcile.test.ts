// Agents are found again from their tmux labels; runtimes sharing a server keep to their
// own agents; ping tells a missing tmux apart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { RuntimeManager } from '../../../src/core/runtimeManager';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import { SEP } from '../../../src/tmux/tmuxCommands';
import { TmuxHostRuntime } from '../../../src/runtimes/tmuxHost/tmuxHostRuntime';
import { waitForMessages } from '../../support/fakeAgent';
import { fakeAgentConfig, fakeAgentProviders, killTmuxServer, localRuntime, makeTempDir, rawTmux, removeDir, uniqueSocket } from './localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
let dir: string;

/** A local runtime whose executor cannot find tmux (PATH without it). */
class TmuxlessRuntime extends TmuxHostRuntime {
  readonly type = 'local';
  constructor() {
    super({
      id: 'no-tmux',
      label: 'No tmux here',
      socketName: SOCKET,
      providers: fakeAgentProviders(),
      executor: new LocalProcessExecutor({ ...LocalProcessExecutor.cleanEnv(), PATH: '/nonexistent' }),
    });
  }
  protected wrapAttach(argv: string[]): string[] {
    return argv;
  }
}

before(() => {
  dir = makeTempDir('reconcile');
});

after(async () => {
  await killTmuxServer(SOCKET);
  removeDir(dir);
});

describe('reconciliation from tmux labels', () => {
  test('a fresh runtime on the same socket lists the agent again, and can kill it', async () => {
    const first = localRuntime(SOCKET);
    const log = join(dir, 'again.jsonl');
    const task = 'survive a reload\twith\ttabs; and "quotes"';
    const handle = await first.spawnAgent(fakeAgentConfig('again-1', { log, cwd: dir, task }));
    await waitForMessages(log, 1);
    const [before] = await first.listAgents();

    const fresh = localRuntime(SOCKET); // as after a VS Code reload
    const listed = await fresh.listAgents();
    assert.equal(listed.length, 1);
    assert.deepEqual(listed[0], before);
    assert.deepEqual(listed[0]!.handle, handle);
    assert.equal(listed[0]!.taskSummary, 'survive a reload with tabs; and "quotes"');
    assert.equal(listed[0]!.workingDirectory, dir);
    assert.equal(listed[0]!.provider, 'custom');

    await fresh.killAgent(listed[0]!.handle);
    assert.equal(await rawTmux(SOCKET).hasSession(handle.sessionName), false);
    assert.deepEqual(await first.listAgents(), []);
  });

  test('sessions that are not agents are ignored', async () => {
    const raw = rawTmux(SOCKET);
    await raw.newSession({ name: 'users-own-session', command: ['cat'] });
    await raw.setOptions('users-own-session', { '@tmux-agents.agent-id': 'looks-like-one' }); // but no marker
    try {
      assert.deepEqual(await localRuntime(SOCKET).listAgents(), []);
    } finally {
      await raw.killSession('users-own-session');
    }
  });

  test('two runtimes with different ids on the same socket each list only their own agents', async () => {
    const a = localRuntime(SOCKET, { id: 'local-a' });
    const b = localRuntime(SOCKET, { id: 'local-b' });
    const [ha, hb] = await Promise.all([
      a.spawnAgent(fakeAgentConfig('own-a', { log: join(dir, 'own-a.jsonl'), cwd: dir })),
      b.spawnAgent(fakeAgentConfig('own-b', { log: join(dir, 'own-b.jsonl'), cwd: dir })),
    ]);
    assert.deepEqual((await a.listAgents()).map((x) => x.handle), [ha]);
    assert.deepEqual((await b.listAgents()).map((x) => x.handle), [hb]);
    assert.equal(hb.runtimeId, 'local-b');

    // Handles are not interchangeable: each runtime refuses the other's.
    await assert.rejects(a.killAgent(hb), (e) => isTmuxAgentsError(e, 'invalid-input') && /belongs to runtime "local-b"/.test(e.message));
    assert.throws(() => a.getAttachCommand(hb), (e) => isTmuxAgentsError(e, 'invalid-input'));
    assert.equal(await rawTmux(SOCKET).hasSession(hb.sessionName), true);

    // Through the manager, routing by the handle reaches the right one.
    const m = new RuntimeManager();
    m.register('local-a', a);
    m.register('local-b', b);
    const listings = await m.listAllAgents();
    assert.deepEqual(listings.map((l) => [l.runtimeId, l.agents.map((x) => x.handle.agentId), l.error]), [
      ['local-a', ['own-a'], undefined],
      ['local-b', ['own-b'], undefined],
    ]);
    await m.killAgent(hb);
    await m.killAgent(ha);
    assert.deepEqual((await m.listAllAgents()).flatMap((l) => l.agents), []);
    m.dispose();
  });
});

describe('a server without sessions', () => {
  // tmux answers "no current target" to any target on a server with no sessions, as in the
  // moment after the last agent is killed and before the server exits. Here it stays.
  test('spawning, listing and killing still work', async () => {
    await killTmuxServer(SOCKET);
    await rawTmux(SOCKET).run(['start-server', SEP, 'set-option', '-g', 'exit-empty', 'off']);
    try {
      const rt = localRuntime(SOCKET);
      assert.deepEqual(await rt.listAgents(), []);
      const handle = await rt.spawnAgent(fakeAgentConfig('empty-1', { log: join(dir, 'empty.jsonl'), cwd: dir, task: 'hi' }));
      assert.deepEqual(await waitForMessages(join(dir, 'empty.jsonl'), 1), ['hi']);
      await rt.killAgent(handle);
      await assert.rejects(rt.killAgent(handle), (e) => isTmuxAgentsError(e, 'agent-not-found'));
      assert.equal(await rawTmux(SOCKET).hasSession(handle.sessionName), false);
    } finally {
      await killTmuxServer(SOCKET);
    }
  });
});

describe('ping', () => {
  test('works with and without a running server', async () => {
    await killTmuxServer(SOCKET);
    await localRuntime(SOCKET).ping();
    assert.deepEqual(await localRuntime(SOCKET).listAgents(), [], 'no server: no agents, not an error');
  });

  test('tmux missing: tmux-not-installed from ping and from listing, never "no agents"', async () => {
    const rt = new TmuxlessRuntime();
    await assert.rejects(rt.ping(), (e) => isTmuxAgentsError(e, 'tmux-not-installed') && /tmux is not installed on this machine/.test(e.message));
    await assert.rejects(rt.listAgents(), (e) => isTmuxAgentsError(e, 'tmux-not-installed'));

    const m = new RuntimeManager();
    m.register('local', localRuntime(SOCKET));
    m.register('no-tmux', rt);
    const [ok, missing] = await m.pingAll();
    assert.equal(ok!.ok, true, ok!.error);
    assert.equal(missing!.ok, false);
    assert.match(missing!.error!, /^tmux is not installed on this machine\. Install tmux/);
    const listings = await m.listAllAgents();
    assert.equal(listings[0]!.error, undefined);
    assert.match(listings[1]!.error!, /tmux is not installed/);
    m.dispose();
  });
});
