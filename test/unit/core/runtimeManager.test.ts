import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeManager } from '../../../src/core/runtimeManager';
import { Emitter } from '../../../src/core/lifecycle';
import { delay } from '../../../src/core/async';
import { TmuxAgentsError, isTmuxAgentsError } from '../../../src/core/errors';
import type { AgentConfig, AgentHandle, AgentInfo, AgentRuntime, AttachCommand } from '../../../src/core/types';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { RecordingExecutor } from '../tmux/fakeExecutor';

type Behaviour = 'ok' | 'throw' | 'hang';

/** A runtime that records what it was asked and behaves as told. */
class FakeRuntime implements AgentRuntime {
  readonly label: string;
  readonly calls: string[] = [];
  listBehaviour: Behaviour = 'ok';
  pingBehaviour: Behaviour = 'ok';
  pingLatencyMs = 0;
  disposed = 0;
  readonly tmux = new TmuxService(new RecordingExecutor());
  private readonly changes = new Emitter<void>();
  readonly onDidChangeAgents = this.changes.event;

  constructor(
    readonly id: string,
    readonly type = 'fake',
    private readonly agentIds: string[] = [],
  ) {
    this.label = `Fake ${id}`;
  }

  handle(agentId: string): AgentHandle {
    return { runtimeType: this.type, runtimeId: this.id, agentId, sessionName: `ta-${agentId}`, data: {} };
  }

  async spawnAgent(config: AgentConfig): Promise<AgentHandle> {
    this.calls.push(`spawn ${config.agentId}`);
    if (config.task === 'fail') throw new TmuxAgentsError('spawn-failed', 'it broke');
    return this.handle(config.agentId);
  }
  async killAgent(handle: AgentHandle): Promise<void> {
    this.calls.push(`kill ${handle.agentId}`);
  }
  listAgents(): Promise<AgentInfo[]> {
    this.calls.push('list');
    if (this.listBehaviour === 'throw') return Promise.reject(new TmuxAgentsError('runtime-unreachable', `${this.id} is down`));
    if (this.listBehaviour === 'hang') return new Promise(() => undefined);
    return Promise.resolve(this.agentIds.map((a) => ({ handle: this.handle(a), status: 'running' as const, provider: 'claude' })));
  }
  getTmux(handle: AgentHandle): TmuxService {
    this.calls.push(`tmux ${handle.agentId}`);
    return this.tmux;
  }
  getAttachCommand(handle: AgentHandle): AttachCommand {
    return { argv: ['attach', this.id, handle.agentId] };
  }
  async ping(): Promise<void> {
    this.calls.push('ping');
    if (this.pingLatencyMs) await delay(this.pingLatencyMs);
    if (this.pingBehaviour === 'throw') throw new TmuxAgentsError('tmux-not-installed', 'tmux is not installed on box.');
    if (this.pingBehaviour === 'hang') await new Promise(() => undefined);
  }
  fireChange(): void {
    this.changes.fire();
  }
  dispose(): void {
    this.disposed++;
  }
}

const config = (agentId: string, task?: string): AgentConfig => ({ agentId, aiProvider: 'claude', workingDirectory: '/w', task });

describe('RuntimeManager registry', () => {
  test('register returns a disposable that unregisters; events fire each way', () => {
    const m = new RuntimeManager();
    let changes = 0;
    m.onDidChangeRuntimes(() => changes++);
    const rt = new FakeRuntime('local');
    const reg = m.register('local', rt);
    assert.equal(changes, 1);
    assert.equal(m.get('local'), rt);
    assert.deepEqual(m.list(), [rt]);
    reg.dispose();
    assert.equal(changes, 2);
    assert.deepEqual(m.list(), []);
    assert.equal(rt.disposed, 1, 'the manager owns registered runtimes');
    reg.dispose();
    assert.equal(changes, 2, 'disposing twice is a no-op');
  });

  test('duplicate id rejected; the first registration stays', () => {
    const m = new RuntimeManager();
    const first = new FakeRuntime('local');
    m.register('local', first);
    assert.throws(() => m.register('local', new FakeRuntime('local')), (e) => isTmuxAgentsError(e, 'runtime-exists') && /"local" is already registered/.test(e.message));
    assert.equal(m.get('local'), first);
  });

  test('id mismatch and invalid ids rejected', () => {
    const m = new RuntimeManager();
    assert.throws(() => m.register('a', new FakeRuntime('b')), (e) => isTmuxAgentsError(e, 'invalid-input') && /registered as "a" reports id "b"/.test(e.message));
    assert.throws(() => m.register('bad id', new FakeRuntime('bad id')), (e) => isTmuxAgentsError(e, 'invalid-input'));
    assert.deepEqual(m.list(), []);
  });

  test('unknown runtime: error lists the registered ids', () => {
    const m = new RuntimeManager();
    assert.throws(() => m.get('x'), (e) => isTmuxAgentsError(e, 'runtime-not-found') && /No runtime "x" is registered\. Add one/.test(e.message));
    m.register('local', new FakeRuntime('local'));
    m.register('ssh-box', new FakeRuntime('ssh-box', 'ssh'));
    assert.throws(() => m.get('docker'), (e) => isTmuxAgentsError(e, 'runtime-not-found') && e.message === 'No runtime "docker" is registered. Registered runtimes: local, ssh-box.');
  });

  test('unregister of an unknown id is a no-op; a throwing runtime dispose is contained', () => {
    const m = new RuntimeManager();
    m.unregister('nothing');
    const rt = new FakeRuntime('local');
    rt.dispose = () => {
      throw new Error('dispose bug');
    };
    m.register('local', rt);
    assert.doesNotThrow(() => m.unregister('local'));
    assert.deepEqual(m.list(), []);
  });

  test('dispose unregisters and disposes every runtime, and stops events', () => {
    const m = new RuntimeManager();
    const a = new FakeRuntime('a');
    const b = new FakeRuntime('b');
    m.register('a', a);
    m.register('b', b);
    let agentEvents = 0;
    m.onDidChangeAgents(() => agentEvents++);
    m.dispose();
    assert.equal(a.disposed, 1);
    assert.equal(b.disposed, 1);
    assert.deepEqual(m.list(), []);
    a.fireChange();
    assert.equal(agentEvents, 0, 'the runtime event subscription was disposed');
  });
});

describe('RuntimeManager routing', () => {
  test('by the runtime id in the handle, across two runtimes of the same type', async () => {
    const m = new RuntimeManager();
    const one = new FakeRuntime('ssh-one', 'ssh');
    const two = new FakeRuntime('ssh-two', 'ssh');
    m.register('ssh-one', one);
    m.register('ssh-two', two);

    const h = await m.spawnAgent('ssh-two', config('a1'));
    assert.deepEqual(h, two.handle('a1'));
    await m.killAgent(h);
    assert.equal(m.getTmux(h), two.tmux);
    assert.deepEqual(m.getAttachCommand(h), { argv: ['attach', 'ssh-two', 'a1'] });
    await m.killAgent(one.handle('b1'));

    assert.deepEqual(two.calls, ['spawn a1', 'kill a1', 'tmux a1']);
    assert.deepEqual(one.calls, ['kill b1']);
  });

  test('a handle naming an unregistered runtime is an error, never a default', async () => {
    const m = new RuntimeManager();
    const local = new FakeRuntime('local');
    m.register('local', local);
    const stray: AgentHandle = { ...local.handle('a'), runtimeId: 'gone' };
    await assert.rejects(m.killAgent(stray), (e) => isTmuxAgentsError(e, 'runtime-not-found'));
    assert.throws(() => m.getAttachCommand(stray), (e) => isTmuxAgentsError(e, 'runtime-not-found'));
    assert.deepEqual(local.calls, []);
  });

  test('spawn validates the agent id before reaching the runtime', async () => {
    const m = new RuntimeManager();
    const local = new FakeRuntime('local');
    m.register('local', local);
    await assert.rejects(m.spawnAgent('local', config('Bad Id')), (e) => isTmuxAgentsError(e, 'invalid-input'));
    assert.deepEqual(local.calls, []);
  });
});

describe('RuntimeManager.onDidChangeAgents', () => {
  test('fired after spawn and kill, success or failure, with the runtime id', async () => {
    const m = new RuntimeManager();
    m.register('local', new FakeRuntime('local'));
    const events: string[] = [];
    m.onDidChangeAgents((e) => events.push(e.runtimeId));
    const h = await m.spawnAgent('local', config('a1'));
    await assert.rejects(m.spawnAgent('local', config('a2', 'fail')), (e) => isTmuxAgentsError(e, 'spawn-failed'));
    await m.killAgent(h);
    assert.deepEqual(events, ['local', 'local', 'local']);
  });

  test("forwarded from a runtime's own event, tagged with its id", () => {
    const m = new RuntimeManager();
    const a = new FakeRuntime('a');
    const b = new FakeRuntime('b');
    m.register('a', a);
    const regB = m.register('b', b);
    const events: string[] = [];
    m.onDidChangeAgents((e) => events.push(e.runtimeId));
    b.fireChange();
    a.fireChange();
    regB.dispose();
    b.fireChange();
    assert.deepEqual(events, ['b', 'a']);
  });
});

describe('RuntimeManager.listAllAgents', () => {
  test('in parallel: a throwing and hung runtimes become error entries; the healthy one still lists', async () => {
    const m = new RuntimeManager({ listTimeoutMs: 300 });
    const healthy = new FakeRuntime('local', 'local', ['a1', 'a2']);
    const broken = new FakeRuntime('docker', 'docker');
    broken.listBehaviour = 'throw';
    const hung = new FakeRuntime('ssh-box', 'ssh');
    hung.listBehaviour = 'hang';
    const hung2 = new FakeRuntime('k8s', 'k8s');
    hung2.listBehaviour = 'hang';
    m.register('ssh-box', hung);
    m.register('docker', broken);
    m.register('local', healthy);
    m.register('k8s', hung2);

    const started = Date.now();
    const listings = await m.listAllAgents();
    const took = Date.now() - started;

    assert.ok(took >= 295 && took < 590, `one timeout, not one per hung runtime (took ${took} ms)`);
    assert.deepEqual(listings.map((l) => l.runtimeId), ['ssh-box', 'docker', 'local', 'k8s'], 'in registration order');
    const [h, b, l, k] = listings;
    assert.deepEqual(h, { runtimeId: 'ssh-box', runtimeType: 'ssh', label: 'Fake ssh-box', agents: [], error: 'Listing agents on Fake ssh-box did not finish within 300 ms.' });
    assert.deepEqual(b, { runtimeId: 'docker', runtimeType: 'docker', label: 'Fake docker', agents: [], error: 'docker is down' });
    assert.equal(l!.error, undefined);
    assert.deepEqual(l!.agents.map((a) => a.handle), [healthy.handle('a1'), healthy.handle('a2')]);
    assert.equal(k!.error, 'Listing agents on Fake k8s did not finish within 300 ms.');
  });

  test('no runtimes: empty', async () => {
    assert.deepEqual(await new RuntimeManager().listAllAgents(), []);
  });

  test('listAgents of one runtime', async () => {
    const m = new RuntimeManager();
    m.register('local', new FakeRuntime('local', 'local', ['x']));
    const l = await m.listAgents('local');
    assert.equal(l.agents.length, 1);
    await assert.rejects(m.listAgents('nope'), (e) => isTmuxAgentsError(e, 'runtime-not-found'));
  });
});

describe('RuntimeManager.pingAll', () => {
  test('in parallel: latency measured, failures and hangs reported per runtime', async () => {
    const m = new RuntimeManager({ pingTimeoutMs: 300 });
    const slowOk = new FakeRuntime('local', 'local');
    slowOk.pingLatencyMs = 40;
    const broken = new FakeRuntime('box', 'ssh');
    broken.pingBehaviour = 'throw';
    const hung = new FakeRuntime('k8s', 'k8s');
    hung.pingBehaviour = 'hang';
    const hung2 = new FakeRuntime('k8s-2', 'k8s');
    hung2.pingBehaviour = 'hang';
    m.register('local', slowOk);
    m.register('box', broken);
    m.register('k8s', hung);
    m.register('k8s-2', hung2);

    const started = Date.now();
    const results = await m.pingAll();
    const took = Date.now() - started;
    assert.ok(took >= 295 && took < 590, `one timeout, not one per hung runtime (took ${took} ms)`);

    const [ok, bad, hang, hang2] = results;
    assert.equal(ok!.ok, true);
    assert.equal(ok!.error, undefined);
    assert.ok(ok!.latencyMs >= 38 && ok!.latencyMs < 290, `latency ${ok!.latencyMs}`);
    assert.deepEqual({ ...bad, latencyMs: 0 }, { runtimeId: 'box', runtimeType: 'ssh', label: 'Fake box', ok: false, error: 'tmux is not installed on box.', latencyMs: 0 });
    assert.equal(hang!.ok, false);
    assert.equal(hang!.error, 'Ping of Fake k8s did not finish within 300 ms.');
    assert.ok(hang!.latencyMs >= 295, `latency ${hang!.latencyMs}`);
    assert.equal(hang2!.ok, false);
  });

  test('ping of an unknown runtime is an error', async () => {
    await assert.rejects(new RuntimeManager().ping('x'), (e) => isTmuxAgentsError(e, 'runtime-not-found'));
  });
});
