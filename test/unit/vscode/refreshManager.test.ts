import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nullLogger } from '../../../src/core/log';
import type { AgentModel } from '../../../src/vscode/agentModel';
import { RefreshManager, SAFETY_POLL_MS } from '../../../src/vscode/refreshManager';

type RuntimeSchedule = { id: string; listedAt: number; needsPolling: boolean; recheckAt?: number };

/** What RefreshManager reads of the model: its schedule, and refresh(scope), recorded. */
class FakeModel {
  lastFullRefreshAt = 0;
  runtimes: RuntimeSchedule[] = [];
  scopes: Array<string[] | 'all'> = [];
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidRefresh = this.emitter.event;
  schedule() {
    return { lastFullRefreshAt: this.lastFullRefreshAt, runtimes: this.runtimes };
  }
  refresh(scope?: Iterable<string>): Promise<void> {
    const now = Date.now();
    this.scopes.push(scope ? [...scope].sort() : 'all');
    if (!scope) this.lastFullRefreshAt = now;
    for (const r of this.runtimes) if (!scope || [...scope].includes(r.id)) r.listedAt = now;
    this.emitter.fire();
    return Promise.resolve();
  }
  ping(): Promise<unknown[]> {
    return Promise.resolve([]);
  }
}

let model: FakeModel;
let manager: RefreshManager;
const NOW = 1_000_000;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: NOW });
  model = new FakeModel();
  model.lastFullRefreshAt = NOW;
  manager = new RefreshManager(model as unknown as AgentModel, nullLogger, { refreshMs: () => 5_000, pingMs: () => 30_000 });
});
afterEach(() => {
  manager.dispose();
  mock.timers.reset();
});

test('a runtime whose agents cannot be pushed is polled alone at the refresh interval, slower when hidden', () => {
  model.runtimes = [
    { id: 'local', listedAt: NOW, needsPolling: false },
    { id: 'docker', listedAt: NOW, needsPolling: true },
  ];
  manager.setVisible(true);
  assert.deepEqual(manager.plan(NOW), { delayMs: 5_000, scope: ['docker'] });
  manager.setVisible(false);
  assert.deepEqual(manager.plan(NOW), { delayMs: 10_000, scope: ['docker'] });
});

test('with every runtime pushed, only the safety re-list of everything is left, visible or not', () => {
  model.runtimes = [{ id: 'local', listedAt: NOW, needsPolling: false }];
  manager.setVisible(true);
  assert.deepEqual(manager.plan(NOW), { delayMs: SAFETY_POLL_MS, scope: undefined });
  manager.setVisible(false);
  assert.deepEqual(manager.plan(NOW), { delayMs: SAFETY_POLL_MS, scope: undefined });
});

test('a status that lapses by time is looked at then, for its runtime; never sooner than half a second', () => {
  model.runtimes = [
    { id: 'local', listedAt: NOW, needsPolling: false, recheckAt: NOW + 4_000 },
    { id: 'ssh', listedAt: NOW, needsPolling: false },
  ];
  assert.deepEqual(manager.plan(NOW), { delayMs: 4_000, scope: ['local'] });
  model.runtimes[0]!.recheckAt = NOW + 10;
  assert.deepEqual(manager.plan(NOW), { delayMs: 500, scope: ['local'] });
});

test('looks due together are batched', () => {
  manager.setVisible(true);
  model.runtimes = [
    { id: 'docker', listedAt: NOW, needsPolling: true },
    { id: 'local', listedAt: NOW, needsPolling: false, recheckAt: NOW + 5_100 },
  ];
  assert.deepEqual(manager.plan(NOW), { delayMs: 5_000, scope: ['docker', 'local'] });
});

test('a push re-lists only its runtime; pushes from two runtimes within the debounce re-list both', () => {
  model.runtimes = [
    { id: 'local', listedAt: NOW, needsPolling: false },
    { id: 'ssh', listedAt: NOW, needsPolling: false },
    { id: 'docker', listedAt: NOW, needsPolling: false },
  ];
  manager.request('runtime-event', 'ssh');
  manager.request('runtime-event', 'local');
  mock.timers.tick(200);
  assert.deepEqual(model.scopes, [['local', 'ssh']]);
  manager.request('visible');
  mock.timers.tick(200);
  assert.deepEqual(model.scopes, [['local', 'ssh'], 'all']);
});

test('the next look is planned after each refresh: polls go to the polled runtime, the safety net to all', () => {
  model.runtimes = [
    { id: 'local', listedAt: NOW, needsPolling: false },
    { id: 'docker', listedAt: NOW, needsPolling: true },
  ];
  manager.setVisible(true);
  manager.start();
  mock.timers.tick(200); // showing the view re-lists everything (debounced)
  assert.deepEqual(model.scopes, ['all']);
  mock.timers.tick(5_000);
  assert.deepEqual(model.scopes, ['all', ['docker']]);
  mock.timers.tick(5_000);
  assert.deepEqual(model.scopes, ['all', ['docker'], ['docker']]);
  // The docker agents go: the poll planned for docker finds nothing due and is dropped, and
  // nothing is re-listed until the safety re-list, a minute after the last full one.
  model.runtimes[1]!.needsPolling = false;
  mock.timers.tick(5_000);
  assert.equal(model.scopes.length, 3);
  mock.timers.tick(SAFETY_POLL_MS - 15_000 - 1);
  assert.equal(model.scopes.length, 3);
  mock.timers.tick(1);
  assert.deepEqual(model.scopes.at(-1), 'all');
});
