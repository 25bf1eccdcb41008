// The Orphans group: only when there are orphans, one row per orphan with a contextValue the
// menus key on, and an orphaned container not shown twice (under its runtime too).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { findOrphans } from '../../../src/orphans/findOrphans';
import { AgentTreeProvider } from '../../../src/vscode/agentTreeProvider';
import type { AgentModel } from '../../../src/vscode/agentModel';
import { FakeModel, agent } from './fakes';

const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8'));

function setup() {
  const model = new FakeModel();
  return { model, tree: new AgentTreeProvider(model as unknown as AgentModel) };
}

const wt = (agentId: string) => ({ repoRoot: '/src/app', agentId, path: `/src/app/.tmux-agents/worktrees/${agentId}`, branch: `tmux-agents/${agentId}` });

test('no Orphans group when there are none', () => {
  const { model, tree } = setup();
  model.listings = [{ runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: [agent('a', 'exited')] }];
  assert.deepEqual(tree.getChildren().map((n) => n.kind), ['runtime']);
});

test('the Orphans group lists a container without its session and a worktree without an agent', () => {
  const { model, tree } = setup();
  const stray = agent('stray', 'failed', {
    runtimeId: 'dock',
    handle: { runtimeType: 'docker', runtimeId: 'dock', agentId: 'stray', sessionName: 'ta-stray', data: {} },
    sessionMissing: true,
    statusReason: 'relaunching the agent after its container restarted failed: CLI not found',
  });
  model.listings = [
    { runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: [agent('live', 'working')] },
    { runtimeId: 'dock', runtimeType: 'docker', label: 'Docker', agents: [stray] },
  ];
  model.orphans = findOrphans(model.listings, [wt('live'), wt('gone')]);
  const roots = tree.getChildren();
  assert.deepEqual(roots.map((n) => n.kind), ['runtime', 'runtime', 'orphans']);
  const group = tree.getTreeItem(roots[2]!);
  assert.equal(group.label, 'Orphans');
  assert.equal(group.contextValue, 'orphans');
  assert.equal(group.description, '2 to clean up or adopt');

  const rows = tree.getChildren(roots[2]).map((n) => tree.getTreeItem(n));
  assert.deepEqual(rows.map((r) => [r.label, r.contextValue]), [['stray', 'orphan.session'], ['gone', 'orphan.worktree']]);
  assert.equal(rows[0]!.description, 'container without its tmux session · dock');
  assert.equal(rows[1]!.description, 'worktree without an agent · tmux-agents/gone');
  assert.equal(new Set(rows.map((r) => r.id)).size, 2);
  // Not shown twice: the Docker runtime says it has no agents.
  assert.deepEqual(tree.getChildren(roots[1]).map((n) => n.kind), ['empty']);
  assert.match(String(tree.getTreeItem(roots[1]!).description), /0 agents/);
});

test('menus: Clean Up on every orphan row, Adopt only on worktrees', () => {
  const entries = manifest.contributes.menus['view/item/context'] as { command: string; when: string; group: string }[];
  const forItem = (contextValue: string) =>
    entries
      .filter((e) => {
        const m = /viewItem (==|=~) (\S+)/.exec(e.when)!;
        return m[1] === '==' ? m[2] === contextValue : new RegExp(m[2]!.slice(1, -1)).test(contextValue);
      })
      .map((e) => e.command)
      .sort();
  assert.deepEqual(forItem('orphan.worktree'), ['tmuxAgents.adoptOrphan', 'tmuxAgents.cleanUpOrphan']);
  assert.deepEqual(forItem('orphan.session'), ['tmuxAgents.cleanUpOrphan']);
  assert.deepEqual(forItem('orphans'), []);
});
