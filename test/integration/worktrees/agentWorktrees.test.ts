// Worktrees per agent with real git and a real local runtime running the fake agent: what
// the spawn wizard, kill and the Orphans group do, through the same vscode-free functions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOrphans } from '../../../src/orphans/findOrphans';
import type { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { KILL_KEEP_WORKTREE, KILL_REMOVE_WORKTREE, applyKillChoice, gitExecutorFor, inspectAgentWorktree, scanAgentWorktrees, spawnWithWorktree } from '../../../src/worktrees/agentWorktreeLifecycle';
import { removeAgentWorktree } from '../../../src/worktrees/gitWorktrees';
import { readAgentLog } from '../../support/fakeAgent';
import { agentStatus, eventually, fakeAgentConfig, killTmuxServer, localRuntime, makeTempDir, removeDir, uniqueSocket } from '../local/localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
const g = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, ...args], { encoding: 'utf8', env: GIT_ENV }).trim();
const hasBranch = (repo: string, branch: string) => g(repo, 'branch', '--list', branch) !== '';
const worktreePaths = (repo: string) => [...g(repo, 'worktree', 'list', '--porcelain').matchAll(/^worktree (.+)$/gm)].map((m) => m[1]);

let root = '';
let repo = '';
let runtime: LocalRuntime;

before(() => {
  root = realpathSync(makeTempDir('agent-worktrees'));
  repo = join(root, 'my repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  mkdirSync(join(repo, 'pkg'));
  writeFileSync(join(repo, 'pkg', 'README.md'), 'hello\n');
  g(repo, 'add', '.');
  g(repo, 'commit', '-q', '-m', 'first');
  runtime = localRuntime(SOCKET);
});

after(async () => {
  await killTmuxServer(SOCKET);
  removeDir(root);
});

/** What the spawn wizard does with the setting on. */
async function spawnIn(agentId: string, directory: string, extra: { args?: string[] } = {}) {
  const log = join(root, `${agentId}.jsonl`);
  const { worktree } = await spawnWithWorktree(gitExecutorFor(runtime), { enabled: true, directory, agentId }, (dir) => runtime.spawnAgent(fakeAgentConfig(agentId, { log, cwd: dir, args: extra.args })));
  return { worktree, log };
}

/** What the kill command does once the user answered the modal. */
async function kill(agentId: string, choice: string) {
  const agent = (await agentStatus(runtime, agentId))!;
  const exec = gitExecutorFor(runtime);
  const inUse = await inspectAgentWorktree(exec, agent.workingDirectory);
  assert.ok(inUse, `${agent.workingDirectory} is recognised as the agent's worktree`);
  await runtime.killAgent(agent.handle);
  await applyKillChoice(exec, inUse.worktree, choice);
  return inUse;
}

describe('an agent in its own worktree (local runtime, real git)', () => {
  test('spawn from a subfolder: the agent works in the same subfolder of its own worktree and branch', async () => {
    const { worktree, log } = await spawnIn('wt-remove', join(repo, 'pkg'));
    const path = join(repo, '.tmux-agents/worktrees/wt-remove');
    assert.deepEqual(worktree, { repoRoot: repo, path, branch: 'tmux-agents/wt-remove' });
    assert.ok(worktreePaths(repo).includes(path));
    assert.equal(g(path, 'rev-parse', '--abbrev-ref', 'HEAD'), 'tmux-agents/wt-remove');
    const started = await eventually('the fake agent started', async () => readAgentLog(log).find((e) => e.event === 'started'));
    assert.equal(started.cwd, join(path, 'pkg'));
    assert.equal((await agentStatus(runtime, 'wt-remove'))?.workingDirectory, join(path, 'pkg'));
  });

  test('kill, removing the worktree: the state shows the agent\'s work; worktree and branch are gone', async () => {
    const path = join(repo, '.tmux-agents/worktrees/wt-remove');
    writeFileSync(join(path, 'pkg', 'work.txt'), 'agent work\n');
    const inUse = await kill('wt-remove', KILL_REMOVE_WORKTREE);
    assert.deepEqual(inUse.state, { dirty: true, commitsAhead: 0 });
    assert.equal(await agentStatus(runtime, 'wt-remove'), undefined);
    assert.equal(existsSync(path), false);
    assert.ok(!worktreePaths(repo).includes(path));
    assert.equal(hasBranch(repo, 'tmux-agents/wt-remove'), false);
  });

  test('kill, keeping it: worktree and branch stay, then show as an orphan, which clean-up removes', async () => {
    const { worktree } = await spawnIn('wt-keep', repo);
    g(worktree!.path, 'commit', '-q', '--allow-empty', '-m', 'agent commit');
    const inUse = await kill('wt-keep', KILL_KEEP_WORKTREE);
    assert.deepEqual(inUse.state, { dirty: false, commitsAhead: 1 });
    assert.ok(existsSync(worktree!.path));
    assert.ok(hasBranch(repo, 'tmux-agents/wt-keep'));

    // The Orphans group: a worktree of the workspace's repository with no agent of its id.
    const exec = gitExecutorFor(runtime);
    const listings = [{ runtimeId: 'local', runtimeType: 'local', label: 'Local', agents: await runtime.listAgents() }];
    const orphans = findOrphans(listings, await scanAgentWorktrees(exec, [join(repo, 'pkg')]));
    assert.deepEqual(orphans, [{ kind: 'worktree', worktree: { ...worktree!, agentId: 'wt-keep' } }]);

    // Clean Up (after its confirmation) removes worktree and branch.
    await removeAgentWorktree(exec, worktree!, { deleteBranch: true, force: true });
    assert.equal(existsSync(worktree!.path), false);
    assert.equal(hasBranch(repo, 'tmux-agents/wt-keep'), false);
    assert.deepEqual(findOrphans(listings, await scanAgentWorktrees(exec, [repo])), []);
  });

  test('a failed spawn removes the worktree and branch it created', async () => {
    await assert.rejects(spawnIn('wt-fail', repo, { args: ['--no-prompt', '--exit-after', '100'] }), /before it was ready/);
    assert.equal(await agentStatus(runtime, 'wt-fail'), undefined);
    assert.equal(existsSync(join(repo, '.tmux-agents/worktrees/wt-fail')), false);
    assert.deepEqual(worktreePaths(repo), [repo]);
    assert.equal(hasBranch(repo, 'tmux-agents/wt-fail'), false);
    assert.equal(g(repo, 'status', '--porcelain'), '', 'the repository is as it was');
  });
});
