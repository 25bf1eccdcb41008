import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { stub } from '../../stubs/vscode/index';
import { AgentStatusBar } from '../../../src/vscode/statusBar';
import type { AgentModel } from '../../../src/vscode/agentModel';
import { FakeModel, agent } from './fakes';

beforeEach(() => stub.reset());

test('shows agent count, waiting count and healthy state', () => {
  const model = new FakeModel();
  const bar = new AgentStatusBar(model as unknown as AgentModel);
  const item = stub.statusBarItems[0]!;
  assert.equal(item.visible, true);
  assert.equal(item.command, 'tmuxAgents.pingRuntimes');
  model.listings = [{ runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: [agent('a', 'waiting'), agent('b', 'running')] }];
  model.healthMap.set('local', { runtimeId: 'local', runtimeType: 'local', label: 'Local', ok: true, latencyMs: 1 });
  model.fire();
  assert.equal(item.text, '$(terminal) 2 agents  $(bell-dot) 1 needs you');
  assert.equal(item.backgroundColor, undefined);
  bar.dispose();
  assert.equal(item.disposed, true);
  assert.equal(model.listenerCount, 0);
});

test('warning colour and count when a runtime is down; tooltip lists each runtime', () => {
  const model = new FakeModel();
  new AgentStatusBar(model as unknown as AgentModel);
  const item = stub.statusBarItems[0]!;
  model.listings = [
    { runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: [] },
    { runtimeId: 'dock', runtimeType: 'docker', label: 'Docker', agents: [], error: 'unreachable' },
  ];
  model.healthMap.set('local', { runtimeId: 'local', runtimeType: 'local', label: 'Local', ok: true, latencyMs: 1 });
  model.fire();
  assert.equal(item.text, '$(terminal) 0 agents  $(warning) 1 down');
  assert.equal(item.backgroundColor?.id, 'statusBarItem.warningBackground');
  const tip = (item.tooltip as { value: string }).value;
  assert.match(tip, /Local \(local\): \$\(check\) healthy/);
  assert.match(tip, /Docker \(docker\): \$\(error\) unreachable/);
});

test('a container without its session is an orphan, not an agent: neither the count nor the tooltip has it', () => {
  const model = new FakeModel();
  new AgentStatusBar(model as unknown as AgentModel);
  const item = stub.statusBarItems[0]!;
  const lost = agent('lost', 'failed', { runtimeId: 'dock', sessionMissing: true });
  model.listings = [{ runtimeId: 'dock', runtimeType: 'docker', label: 'Docker', agents: [lost, agent('ok', 'working', { runtimeId: 'dock' })] }];
  model.fire();
  assert.equal(item.text, '$(terminal) 1 agent');
  assert.match((item.tooltip as { value: string }).value, /Docker \(docker\): \$\(sync\) checking, 1 agent\n/);
});
