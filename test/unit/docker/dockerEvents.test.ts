import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { pollUntil } from '../../../src/core/async';
import { DockerEventFollower, eventFilters, parseEventChunk, type ContainerEvent } from '../../../src/runtimes/docker/dockerEvents';

const ev = (action: string, id: string, attrs: Record<string, string> = {}) => JSON.stringify({ status: action, id, Type: 'container', Action: action, Actor: { ID: id, Attributes: attrs }, time: 1, timeNano: 1 }) + '\n';

async function until(what: string, f: () => boolean): Promise<void> {
  assert.ok(await pollUntil(async () => (f() ? true : undefined), { timeoutMs: 3_000, intervalMs: 5 }), `timed out waiting for ${what}`);
}

/** An Engine whose /events answers are scripted, one per connection. */
function fakeEngine(answers: Array<'fail' | 'stream'>) {
  const streams: PassThrough[] = [];
  const calls: Array<Record<string, unknown>> = [];
  const docker = {
    async getEvents(opts: Record<string, unknown>) {
      calls.push(opts);
      const a = answers.shift() ?? 'stream';
      if (a === 'fail') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const s = new PassThrough();
      streams.push(s);
      return s;
    },
  };
  return { docker: async () => docker as unknown as Docker, streams, calls };
}

describe('Docker events', () => {
  test('the filter: our runtime\'s labelled containers, lifecycle actions only (our own exec calls would be noise)', () => {
    assert.deepEqual(eventFilters('docker-2'), {
      type: ['container'],
      event: ['create', 'start', 'restart', 'die', 'destroy', 'pause', 'unpause', 'rename', 'oom'],
      label: ['tmux-agents=true', 'tmux-agents.runtime-id=docker-2'],
    });
  });

  test('newline-delimited JSON is parsed across chunk boundaries; junk lines are skipped', () => {
    const text = ev('start', 'c1', { 'tmux-agents.agent-id': 'a1' }) + 'not json\n' + ev('die', 'c2');
    const cut = text.length - 7;
    const first = parseEventChunk(text.slice(0, cut));
    assert.deepEqual(first.events, [{ action: 'start', containerId: 'c1', attributes: { 'tmux-agents.agent-id': 'a1' } }]);
    const second = parseEventChunk(first.rest + text.slice(cut));
    assert.deepEqual(second, { events: [{ action: 'die', containerId: 'c2', attributes: {} }], rest: '' });
  });

  test('follows the stream, reconnects with backoff when it breaks, says so, and stops on dispose', async () => {
    const engine = fakeEngine(['stream', 'fail', 'stream']);
    const events: ContainerEvent[] = [];
    let reconnects = 0;
    const f = new DockerEventFollower({ docker: engine.docker, runtimeId: 'r1', onEvent: (e) => events.push(e), onReconnect: () => reconnects++, minBackoffMs: 5, maxBackoffMs: 20 });
    f.start();
    f.start(); // idempotent
    await until('the first connection', () => engine.streams.length === 1);
    assert.deepEqual(engine.calls[0]!.filters, eventFilters('r1'));
    assert.ok(engine.calls[0]!.abortSignal instanceof AbortSignal);
    const s1 = engine.streams[0]!;
    const line = ev('destroy', 'c9');
    s1.write(line.slice(0, 10));
    s1.write(line.slice(10));
    await until('the event', () => events.length === 1);
    assert.equal(events[0]!.action, 'destroy');
    assert.equal(reconnects, 0);
    s1.end(); // the daemon went away
    await until('the reconnect after one failed attempt', () => engine.streams.length === 2 && reconnects === 1);
    assert.equal(engine.calls.length, 3);
    f.dispose();
    assert.equal(engine.streams[1]!.destroyed, true);
    const n = engine.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(engine.calls.length, n, 'no reconnect after dispose');
  });
});
