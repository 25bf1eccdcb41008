// The vscode-free decisions around agent worktrees, with fake executors (real git is in
// test/integration/worktrees/).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandExecutor } from '../../../src/tmux/executor';
import { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { KILL_KEEP_WORKTREE, KILL_REMOVE_WORKTREE, describeWorktreeLoss, gitExecutorFor, killWorktreeQuestion, spawnWithWorktree, worktreeFromDirectory } from '../../../src/worktrees/agentWorktreeLifecycle';

const wt = { repoRoot: '/src/my app', path: '/src/my app/.tmux-agents/worktrees/fix-a', branch: 'tmux-agents/fix-a' };

test('worktreeFromDirectory recognises our worktrees and their subfolders only', () => {
  assert.deepEqual(worktreeFromDirectory('/src/my app/.tmux-agents/worktrees/fix-a'), { ...wt, agentId: 'fix-a' });
  assert.deepEqual(worktreeFromDirectory('/src/my app/.tmux-agents/worktrees/fix-a/pkg/core/'), { ...wt, agentId: 'fix-a' });
  for (const dir of ['/src/my app', '/src/my app/.tmux-agents/worktrees', '/src/x/.tmux-agents/worktrees/Bad_Id', '/workspace (pod ta-x)', '/r/.tmux-agentsXworktrees/a']) {
    assert.equal(worktreeFromDirectory(dir), undefined, dir);
  }
});

test('what removal loses, in words', () => {
  assert.match(describeWorktreeLoss(wt, { dirty: false, commitsAhead: 0 }), /has no changes of its own: removing it loses nothing\.$/);
  assert.match(describeWorktreeLoss(wt, { dirty: true, commitsAhead: 0 }), /has uncommitted changes: removing it loses them\.$/);
  assert.match(describeWorktreeLoss(wt, { dirty: true, commitsAhead: 2 }), /^Worktree \/src\/my app\/\.tmux-agents\/worktrees\/fix-a \(branch tmux-agents\/fix-a\) has uncommitted changes and 2 commits not on the base branch/);
  assert.match(describeWorktreeLoss(wt, { dirty: false, commitsAhead: 1 }), /has 1 commit not on the base branch/);
  assert.match(describeWorktreeLoss(wt, undefined), /could not be read; removing it may lose work/);
  assert.deepEqual(killWorktreeQuestion(wt, undefined).buttons, [KILL_KEEP_WORKTREE, KILL_REMOVE_WORKTREE]);
});

test('git runs on the tmux host for tmux-host runtimes, on this machine for the others', () => {
  const local = { where: 'fake', exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) } satisfies CommandExecutor;
  const rt = new LocalRuntime({ id: 'local', socketName: 'unused' });
  assert.equal(gitExecutorFor(rt, local), rt.hostExecutor);
  assert.equal(gitExecutorFor({ type: 'docker', id: 'd' } as never, local), local);
});

test('setting off, or not a repository: the directory as it is, no git beyond the root check', async () => {
  const calls: string[][] = [];
  const exec: CommandExecutor = { where: 'fake', exec: async (argv) => (calls.push([...argv]), { stdout: '', stderr: 'not a git repository', exitCode: 128 }) };
  const off = await spawnWithWorktree(exec, { enabled: false, directory: '/d', agentId: 'a' }, async (dir) => dir);
  assert.deepEqual(off, { result: '/d' });
  assert.equal(calls.length, 0);
  const plain = await spawnWithWorktree(exec, { enabled: true, directory: '/d', agentId: 'a' }, async (dir) => dir);
  assert.deepEqual(plain, { result: '/d' });
  assert.deepEqual(calls, [['git', '-C', '/d', 'rev-parse', '--show-toplevel']]);
  // Adopting: a directory that already is an agent worktree is used as it is.
  calls.length = 0;
  const adopted = await spawnWithWorktree(exec, { enabled: true, directory: wt.path, agentId: 'fix-a' }, async (dir) => dir);
  assert.deepEqual(adopted, { result: wt.path });
  assert.equal(calls.length, 0);
});
