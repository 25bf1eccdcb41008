// PodWatcher's loop with a scripted API: list-then-watch from the list's resourceVersion,
// restart after the server ends a watch or sends ERROR (410 Gone), backoff while the API
// fails, and nothing left running after dispose.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pollUntil } from '../../../src/core/async';
import type { K8sClients } from '../../../src/runtimes/k8s/k8sClient';
import { PodWatcher } from '../../../src/runtimes/k8s/k8sWatch';

type Callback = (type: string, obj: unknown) => void;
type Done = (err: unknown) => void;

/** A scripted API: `lists` answers (Error = failure), and watch sessions the test drives. */
class FakeApi {
  readonly listCalls: { at: number; labelSelector?: string }[] = [];
  readonly watches: { path: string; query: Record<string, unknown>; cb: Callback; done: Done; aborted: boolean }[] = [];
  readonly listResults: (Error | string)[] = [];

  clients(): K8sClients {
    const watches = this.watches;
    const listCalls = this.listCalls;
    const listResults = this.listResults;
    class Watch {
      async watch(path: string, query: Record<string, unknown>, cb: Callback, done: Done): Promise<AbortController> {
        const ctrl = new AbortController();
        const w = { path, query, cb, done, aborted: false };
        ctrl.signal.addEventListener('abort', () => {
          w.aborted = true;
          done(new Error('aborted'));
        });
        watches.push(w);
        return ctrl;
      }
    }
    return {
      k8s: { Watch } as never,
      kc: {} as never,
      core: {
        listNamespacedPod: async (p: { labelSelector?: string }) => {
          listCalls.push({ at: Date.now(), labelSelector: p.labelSelector });
          const r = listResults.shift() ?? 'rv-default';
          if (r instanceof Error) throw r;
          return { items: [], metadata: { resourceVersion: r } };
        },
      } as never,
      context: 'test',
      server: 'https://fake',
    };
  }
}

const until = async (what: string, probe: () => boolean, timeoutMs = 3_000) => {
  const ok = await pollUntil(async () => (probe() ? true : undefined), { timeoutMs, intervalMs: 5, maxIntervalMs: 20 });
  assert.ok(ok, `timed out waiting for ${what}`);
};

describe('PodWatcher', () => {
  test('lists, watches from the list\'s resourceVersion, reports changes, restarts and says so', async () => {
    const api = new FakeApi();
    api.listResults.push('rv-1', 'rv-2', 'rv-3');
    const events: string[] = [];
    let reconnects = 0;
    const w = new PodWatcher({
      clients: async () => api.clients(),
      namespace: 'agents',
      labelSelector: 'tmux-agents=true,tmux-agents.runtime-id=k',
      onEvent: (type, name) => events.push(`${type} ${name}`),
      onReconnect: () => reconnects++,
      minBackoffMs: 5,
      maxBackoffMs: 50,
    });
    w.start();
    await until('the first watch', () => api.watches.length === 1);
    const first = api.watches[0]!;
    assert.equal(first.path, '/api/v1/namespaces/agents/pods');
    assert.deepEqual(first.query, { labelSelector: 'tmux-agents=true,tmux-agents.runtime-id=k', allowWatchBookmarks: true, resourceVersion: 'rv-1' });
    assert.equal(api.listCalls[0]!.labelSelector, 'tmux-agents=true,tmux-agents.runtime-id=k');
    first.cb('ADDED', { metadata: { name: 'p1' } });
    first.cb('MODIFIED', { metadata: { name: 'p1' } });
    first.cb('BOOKMARK', { metadata: { resourceVersion: 'rv-9' } });
    first.cb('DELETED', { metadata: { name: 'p1' } });
    assert.deepEqual(events, ['ADDED p1', 'MODIFIED p1', 'DELETED p1'], 'bookmarks are not changes');
    assert.equal(reconnects, 0);

    // The server ends the watch (as real API servers do every few minutes): list again, watch again.
    first.done(null);
    await until('the second watch', () => api.watches.length === 2);
    assert.equal(api.watches[1]!.query.resourceVersion, 'rv-2');
    assert.equal(reconnects, 1);

    // 410 Gone arrives as an ERROR event: the watch is dropped and restarted from a fresh list.
    api.watches[1]!.cb('ERROR', { code: 410, message: 'too old resource version' });
    await until('the third watch', () => api.watches.length === 3);
    assert.equal(api.watches[1]!.aborted, true);
    assert.equal(api.watches[2]!.query.resourceVersion, 'rv-3');
    assert.equal(reconnects, 2);

    w.dispose();
    assert.equal(api.watches[2]!.aborted, true, 'dispose ends the open watch');
    const lists = api.listCalls.length;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.listCalls.length, lists, 'nothing runs after dispose');
    assert.equal(api.watches.length, 3);
  });

  test('while the API fails, retries back off (doubling, capped), then recover', async () => {
    const api = new FakeApi();
    api.listResults.push(new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), 'rv-ok');
    const w = new PodWatcher({ clients: async () => api.clients(), namespace: 'n', labelSelector: 's', onEvent: () => undefined, minBackoffMs: 20, maxBackoffMs: 60 });
    w.start();
    await until('the watch after the failures', () => api.watches.length === 1, 5_000);
    const gaps = api.listCalls.slice(1).map((c, i) => c.at - api.listCalls[i]!.at);
    assert.equal(gaps.length, 4);
    // 20, 40, 60 (capped), 60: each at least its backoff, and growing.
    for (const [i, min] of [20, 40, 60, 60].entries()) assert.ok(gaps[i]! >= min - 2, `gap ${i} was ${gaps[i]} ms, expected >= ${min}`);
    w.dispose();
  });

  test('dispose during a failing clients() stops the loop', async () => {
    let calls = 0;
    const w = new PodWatcher({
      clients: async () => {
        calls++;
        throw new Error('no kubeconfig');
      },
      namespace: 'n',
      labelSelector: 's',
      onEvent: () => undefined,
      minBackoffMs: 5,
    });
    w.start();
    await until('a couple of attempts', () => calls >= 2);
    w.dispose();
    const n = calls;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(calls, n);
  });
});
