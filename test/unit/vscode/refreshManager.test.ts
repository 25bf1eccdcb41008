import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { nullLogger } from '../../../src/core/log';
import type { AgentModel } from '../../../src/vscode/agentModel';
import { RefreshManager, SAFETY_POLL_MS } from '../../../src/vscode/refreshManager';

/** What RefreshManager reads of the model; refresh() completes at once and fires onDidRefresh. */
class FakeModel {
  needsPolling = true;
  recheckInMs: number | undefined;
  refreshes = 0;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidRefresh = this.emitter.event;
  refresh(): Promise<void> {
    this.refreshes++;
    this.emitter.fire();
    return Promise.resolve();
  }
  ping(): Promise<unknown[]> {
    return Promise.resolve([]);
  }
}

let model: FakeModel;
let manager: RefreshManager;

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  model = new FakeModel();
  manager = new RefreshManager(model as unknown as AgentModel, nullLogger, { refreshMs: () => 5_000, pingMs: () => 30_000 });
});
afterEach(() => {
  manager.dispose();
  mock.timers.reset();
});

test('polls at the refresh interval while some listed agents cannot be pushed, slower when hidden', () => {
  manager.setVisible(true);
  assert.equal(manager.nextDelayMs(), 5_000);
  manager.setVisible(false);
  assert.equal(manager.nextDelayMs(), 10_000);
});

test('when every listed agent is pushed, only the safety poll is left, visible or not', () => {
  model.needsPolling = false;
  manager.setVisible(true);
  assert.equal(manager.nextDelayMs(), SAFETY_POLL_MS);
  manager.setVisible(false);
  assert.equal(manager.nextDelayMs(), SAFETY_POLL_MS);
});

test('a status that lapses by time is looked at then, never sooner than half a second', () => {
  model.needsPolling = false;
  model.recheckInMs = 4_000;
  assert.equal(manager.nextDelayMs(), 4_000);
  model.recheckInMs = 10;
  assert.equal(manager.nextDelayMs(), 500);
  model.needsPolling = true;
  model.recheckInMs = 20_000;
  manager.setVisible(true);
  assert.equal(manager.nextDelayMs(), 5_000);
});

test('the next look is planned after each refresh, so a pushed refresh postpones the poll', () => {
  model.needsPolling = false;
  manager.setVisible(false);
  manager.start();
  const before = model.refreshes;
  mock.timers.tick(SAFETY_POLL_MS - 1_000);
  manager.request('runtime-event');
  mock.timers.tick(200); // debounce
  assert.equal(model.refreshes, before + 1, 'the pushed change refreshed');
  mock.timers.tick(SAFETY_POLL_MS - 300);
  assert.equal(model.refreshes, before + 1, 'no poll a minute after the start: the refresh moved it');
  mock.timers.tick(300);
  mock.timers.tick(200); // the poll's debounce
  assert.equal(model.refreshes, before + 2, 'the safety poll, a minute after the last refresh');
});
