import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RuntimeListing } from '../../../src/core/runtimeManager';
import type { AgentInfo, AgentStatus } from '../../../src/core/types';
import { findOrphans, orphanKey } from '../../../src/orphans/findOrphans';

const agent = (agentId: string, status: AgentStatus, runtimeType = 'local', extra: Partial<AgentInfo> = {}): AgentInfo => ({
  handle: { runtimeType, runtimeId: runtimeType, agentId, sessionName: `ta-${agentId}`, data: {} },
  status,
  provider: 'custom',
  ...extra,
});
const listing = (runtimeType: string, agents: AgentInfo[], error?: string): RuntimeListing => ({ runtimeId: runtimeType, runtimeType, label: runtimeType, agents, error });
const wt = (agentId: string) => ({ repoRoot: '/r', agentId, path: `/r/.tmux-agents/worktrees/${agentId}`, branch: `tmux-agents/${agentId}` });

test('nothing is an orphan when every agent is healthy and every worktree has its agent', () => {
  assert.deepEqual(findOrphans([listing('local', [agent('a', 'working')])], [wt('a')]), []);
});

test('an exited tmux agent stays under its runtime; its worktree is still in use', () => {
  assert.deepEqual(findOrphans([listing('local', [agent('done', 'exited')])], [wt('done')]), []);
});

test('containers and pods without their session, and worktrees of agents no runtime has', () => {
  const box = agent('box', 'failed', 'docker', { sessionMissing: true });
  const pod = agent('pod', 'exited', 'k8s', { sessionMissing: true });
  const starting = agent('boot', 'starting', 'docker'); // in its grace period: not an orphan
  const found = findOrphans([listing('docker', [box, starting]), listing('k8s', [pod])], [wt('box'), wt('gone')]);
  assert.deepEqual(found, [
    { kind: 'session', agent: box },
    { kind: 'session', agent: pod },
    { kind: 'worktree', worktree: wt('gone') },
  ]);
  assert.deepEqual(found.map(orphanKey), ['session:docker:box', 'session:k8s:pod', 'worktree:/r/.tmux-agents/worktrees/gone']);
});

test('a runtime that could not be listed may hold the agent: no worktree is called an orphan then', () => {
  assert.deepEqual(findOrphans([listing('local', []), listing('ssh', [], 'connect ECONNREFUSED')], [wt('far')]), []);
});

test('a worktree an agent of another id works in (adopted under a new id) is in use, not an orphan', () => {
  const adopted = agent('renamed', 'working', 'local', { workingDirectory: '/r/.tmux-agents/worktrees/old-id/' });
  assert.deepEqual(findOrphans([listing('local', [adopted])], [wt('old-id'), wt('other')]), [{ kind: 'worktree', worktree: wt('other') }]);
});
