// Per-agent worktrees with real git in temp repositories, checked with git itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { LocalProcessExecutor } from '../../../src/runtimes/local/localProcessExecutor';
import { createAgentWorktree, findRepoRoot, listAgentWorktrees, removeAgentWorktree, worktreeBranch, worktreeState } from '../../../src/worktrees/gitWorktrees';

const exec = new LocalProcessExecutor();
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
const g = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: GIT_ENV }).trim();
const gStatus = (cwd: string, ...args: string[]) => {
  try {
    execFileSync('git', ['-C', cwd, ...args], { stdio: 'ignore', env: GIT_ENV });
    return 0;
  } catch (e) {
    return (e as { status: number }).status;
  }
};

describe('git worktrees per agent', () => {
  let root = '';
  let repo = '';
  before(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'ta-it-worktrees-')));
    repo = join(root, 'my repo');
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'README.md'), 'hello\n');
    g(repo, 'add', '.');
    g(repo, 'commit', '-q', '-m', 'first');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('created from a subfolder: own branch and checkout, excluded from the main status', async () => {
    execFileSync('mkdir', ['-p', join(repo, 'sub')]);
    assert.equal(await findRepoRoot(exec, join(repo, 'sub')), repo);
    const wt = await createAgentWorktree(exec, { repoDir: join(repo, 'sub'), agentId: 'fix-a' });
    assert.deepEqual(wt, { repoRoot: repo, path: join(repo, '.tmux-agents/worktrees/fix-a'), branch: 'tmux-agents/fix-a' });
    // Checked with git, not with the code under test.
    assert.equal(g(repo, 'rev-parse', '--verify', 'refs/heads/tmux-agents/fix-a'), g(repo, 'rev-parse', 'HEAD'));
    assert.match(g(repo, 'worktree', 'list', '--porcelain'), new RegExp(`worktree ${wt.path}\\nHEAD [0-9a-f]+\\nbranch refs/heads/tmux-agents/fix-a`));
    assert.equal(g(wt.path, 'rev-parse', '--abbrev-ref', 'HEAD'), 'tmux-agents/fix-a');
    assert.equal(readFileSync(join(wt.path, 'README.md'), 'utf8'), 'hello\n');
    assert.equal(g(repo, 'status', '--porcelain'), '', 'the worktrees folder is not an untracked file');
    assert.match(readFileSync(join(repo, '.git/info/exclude'), 'utf8'), /^\/\.tmux-agents\/$/m);
    assert.deepEqual(await listAgentWorktrees(exec, repo), [{ ...wt, agentId: 'fix-a' }]);
  });

  test('work in the worktree stays on its branch; state says what removal would lose', async () => {
    const wt = await createAgentWorktree(exec, { repoDir: repo, agentId: 'feat-b' });
    assert.deepEqual(await worktreeState(exec, wt), { dirty: false, commitsAhead: 0 });
    writeFileSync(join(wt.path, 'new.txt'), 'agent work\n');
    assert.deepEqual(await worktreeState(exec, wt), { dirty: true, commitsAhead: 0 });
    g(wt.path, 'add', '.');
    g(wt.path, 'commit', '-q', '-m', 'agent commit');
    assert.deepEqual(await worktreeState(exec, wt), { dirty: false, commitsAhead: 1 });
    assert.equal(g(repo, 'log', '-1', '--format=%s', 'tmux-agents/feat-b'), 'agent commit');
    assert.equal(g(repo, 'log', '-1', '--format=%s', 'main'), 'first', 'main is untouched');
    assert.equal(existsSync(join(repo, 'new.txt')), false);
  });

  test('remove keeping the branch, then a dirty worktree is refused without force, removed with it', async () => {
    const keep = await createAgentWorktree(exec, { repoDir: repo, agentId: 'keep-c' });
    await removeAgentWorktree(exec, keep, { deleteBranch: false });
    assert.equal(existsSync(keep.path), false);
    assert.doesNotMatch(g(repo, 'worktree', 'list', '--porcelain'), /keep-c/);
    assert.equal(gStatus(repo, 'rev-parse', '--verify', '--quiet', 'refs/heads/tmux-agents/keep-c'), 0, 'branch kept');

    const dirty = await createAgentWorktree(exec, { repoDir: repo, agentId: 'dirty-d' });
    writeFileSync(join(dirty.path, 'README.md'), 'changed\n');
    await assert.rejects(removeAgentWorktree(exec, dirty, { deleteBranch: true }), (e) => isTmuxAgentsError(e, 'invalid-input') && /Removing worktree .*dirty-d failed.*(modified|untracked)/s.test(e.message));
    assert.equal(existsSync(join(dirty.path, 'README.md')), true, 'nothing removed');
    assert.equal(gStatus(repo, 'rev-parse', '--verify', '--quiet', 'refs/heads/tmux-agents/dirty-d'), 0);
    await removeAgentWorktree(exec, dirty, { deleteBranch: true, force: true });
    assert.equal(existsSync(dirty.path), false);
    assert.equal(gStatus(repo, 'rev-parse', '--verify', '--quiet', 'refs/heads/tmux-agents/dirty-d'), 1, 'branch deleted');
  });

  test('refusals: not a repository, an existing branch, an invalid agent id', async () => {
    const plain = mkdtempSync(join(root, 'plain-'));
    assert.equal(await findRepoRoot(exec, plain), undefined);
    await assert.rejects(createAgentWorktree(exec, { repoDir: plain, agentId: 'x' }), /is not in a git repository/);
    await assert.rejects(createAgentWorktree(exec, { repoDir: repo, agentId: 'keep-c' }), (e) => isTmuxAgentsError(e, 'agent-exists'));
    assert.throws(() => worktreeBranch('../../evil'), /Invalid agent id/);
    await assert.rejects(createAgentWorktree(exec, { repoDir: repo, agentId: '--force' }), /Invalid agent id/);
  });
});
