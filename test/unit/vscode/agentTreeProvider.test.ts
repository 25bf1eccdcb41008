import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentTreeProvider } from '../../../src/vscode/agentTreeProvider';
import type { AgentModel } from '../../../src/vscode/agentModel';
import type { TreeNode } from '../../../src/vscode/treeNodes';
import { FakeModel, agent } from './fakes';

function setup() {
  const model = new FakeModel();
  const tree = new AgentTreeProvider(model as unknown as AgentModel);
  return { model, tree };
}

test('one node per runtime, agents under it with waiting first', () => {
  const { model, tree } = setup();
  model.listings = [
    { runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: [agent('a-working', 'working'), agent('b-waiting', 'waiting'), agent('c-exited', 'exited')] },
    { runtimeId: 'box', runtimeType: 'ssh', label: 'ssh: box', agents: [] },
  ];
  model.healthMap.set('local', { runtimeId: 'local', runtimeType: 'local', label: 'Local', ok: true, latencyMs: 3 });
  const roots = tree.getChildren();
  assert.deepEqual(roots.map((r) => r.kind === 'runtime' && r.listing.runtimeId), ['local', 'box']);
  const kids = tree.getChildren(roots[0]);
  assert.deepEqual(kids.map((k) => (k.kind === 'agent' ? k.agent.handle.agentId : k.kind)), ['b-waiting', 'c-exited', 'a-working']);
  const item = tree.getTreeItem(kids[0]!);
  assert.equal(item.contextValue, 'agent.waiting');
  assert.match(String(item.description), /^waiting for input · claude · 2m$/);
  assert.equal((item.iconPath as { id: string }).id, 'bell-dot');
  const root = tree.getTreeItem(roots[0]!);
  assert.equal(root.description, 'healthy · 3 agents · 1 waiting');
  assert.equal(root.contextValue, 'runtime.local.healthy');
  // An empty runtime says so instead of showing nothing.
  assert.deepEqual(tree.getChildren(roots[1]).map((k) => k.kind), ['empty']);
});

test('a runtime whose listing failed shows the error as a child with a recovery action', () => {
  const { model, tree } = setup();
  model.listings = [{ runtimeId: 'dock', runtimeType: 'docker', label: 'Docker', agents: [], error: 'Docker daemon is not reachable at /var/run/docker.sock.\nmore' }];
  const [root] = tree.getChildren();
  const rootItem = tree.getTreeItem(root!);
  assert.equal(rootItem.contextValue, 'runtime.docker.unhealthy');
  assert.match(String(rootItem.description), /^unreachable/);
  const [err] = tree.getChildren(root) as TreeNode[];
  assert.equal(err!.kind, 'error');
  const item = tree.getTreeItem(err!);
  assert.equal(item.label, 'Docker daemon is not reachable at /var/run/docker.sock.');
  assert.equal(item.command?.command, 'tmuxAgents.pingRuntimes');
});

test('a failed ping shows under a runtime whose last listing worked', () => {
  const { model, tree } = setup();
  model.listings = [{ runtimeId: 'box', runtimeType: 'ssh', label: 'box', agents: [agent('x', 'running', { runtimeId: 'box' })] }];
  model.healthMap.set('box', { runtimeId: 'box', runtimeType: 'ssh', label: 'box', ok: false, error: 'connect ECONNREFUSED 127.0.0.1:22', latencyMs: 1 });
  const [root] = tree.getChildren();
  assert.deepEqual(tree.getChildren(root).map((k) => k.kind), ['error', 'agent']);
});

test('tooltips carry task, directory and the signal that decided the status', () => {
  const { tree } = setup();
  const item = tree.getTreeItem({ kind: 'agent', agent: agent('t1', 'exited', { taskSummary: 'fix `the` bug', workingDirectory: '/src/my app', statusReason: 'the agent process exited with status 1' }) });
  const md = (item.tooltip as { value: string }).value;
  assert.match(md, /exited with status 1/);
  assert.match(md, /\/src\/my app/);
  assert.match(md, /fix \\`the\\` bug/);
});

test('model changes refresh the whole tree; dispose unsubscribes', () => {
  const { model, tree } = setup();
  let fired = 0;
  tree.onDidChangeTreeData(() => fired++);
  model.fire();
  assert.equal(fired, 1);
  tree.dispose();
  assert.equal(model.listenerCount, 0);
});

test('a runtime node says whether its agents are pushed by tmux or polled', () => {
  const { model, tree } = setup();
  model.listings = [
    { runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: [agent('a', 'working')], live: true },
    { runtimeId: 'dock', runtimeType: 'docker', label: 'Docker', agents: [agent('b', 'working', { runtimeId: 'dock' })], live: false },
    { runtimeId: 'box', runtimeType: 'ssh', label: 'ssh: box', agents: [] },
  ];
  const tips = tree.getChildren().map((r) => (tree.getTreeItem(r).tooltip as { value: string }).value);
  assert.match(tips[0]!, /- Updates: pushed by tmux as they happen/);
  assert.match(tips[1]!, /- Updates: polled \(this runtime cannot push them\)/);
  assert.doesNotMatch(tips[2]!, /Updates:/);
});
