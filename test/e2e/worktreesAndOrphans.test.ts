// The packaged extension in a real VS Code (code-server) driven through headless Chromium, with
// tmuxAgents.worktrees on and the workspace folder a git repository: the Orphans group (a
// worktree made with plain git for an agent id no runtime has, Clean Up and Adopt) and the
// keep-or-remove question of Kill. Every outcome is checked with git itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FAKE_AGENT_READY, fakeAgentCommand, readAgentLog, waitForMessages } from '../support/fakeAgent';
import { repoRoot, startCodeServer, type CodeServer } from './harness/codeServer.ts';
import { testScope } from './harness/testScope.ts';
import { openWorkbench, type TreeRow, type Workbench } from './harness/workbench.ts';

const VSIX = join(repoRoot, 'dist', 'tmux-agents.vsix');
// What the extension uses (src/worktrees/gitWorktrees.ts): written out here, so a change of the
// naming in the product fails this test instead of silently following it.
const BRANCH_PREFIX = 'tmux-agents/';
const WORKTREES_DIR = join('.tmux-agents', 'worktrees');
const KEEP = 'Kill, Keep Worktree';
const REMOVE = 'Kill and Remove Worktree';
const ADOPT = 'Adopt Orphan Worktree (Spawn an Agent in It)';
const CLEAN_UP = 'Clean Up Orphan';
const GIT_IDENTITY = ['-c', 'user.name=E2E Test', '-c', 'user.email=e2e@example.invalid'];

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', cwd, ...GIT_IDENTITY, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')} in ${cwd} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Paths of the repository's worktrees (the main one first), from git itself. */
function worktreePaths(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
}

function branchExists(repo: string, branch: string): boolean {
  return spawnSync('git', ['-C', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).status === 0;
}

function tmuxHas(socket: string, session: string): boolean {
  return spawnSync('tmux', ['-L', socket, 'has-session', '-t', `=${session}`]).status === 0;
}

const rowsText = (rows: TreeRow[]) => rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label} [${r.description}]`).join(' | ');

test('worktrees and orphans in a real VS Code: Orphans group, Clean Up, Adopt, keep-or-remove on Kill', async (t) => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first (npm test does).`);
  // Cleanup registered as things start, run newest first even when a step fails.
  const { tmp, onCleanup } = testScope(t, 'e2e-worktrees-');
  const socket = `ta-e2e-wt-${process.pid}`;
  const agentLog = join(tmp, 'agent.log');
  onCleanup(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    // kill-server leaves the socket file behind in tmux's socket directory.
    rmSync(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid!()}`, socket), { force: true });
  });

  // The workspace folder: a git repository with one commit on main (a space in its path on purpose).
  const repo = join(tmp, 'wt repo');
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# e2e repository\n');
  git(repo, 'add', 'README.md');
  git(repo, 'commit', '-q', '-m', 'initial');
  const mainHead = git(repo, 'rev-parse', 'HEAD').trim();
  const worktreeOf = (agentId: string) => join(repo, WORKTREES_DIR, agentId);

  const server: CodeServer = await startCodeServer({
    vsixPath: VSIX,
    workspaceFolder: repo,
    settings: {
      'tmuxAgents.local.socketName': socket,
      'tmuxAgents.defaultProvider': 'custom',
      'tmuxAgents.providers': { custom: { readyPattern: FAKE_AGENT_READY } },
      'tmuxAgents.refreshIntervalSeconds': 1,
      'tmuxAgents.worktrees': true,
    },
    env: { FAKE_AGENT_LOG: agentLog },
  });
  onCleanup(() => server.stop());
  const w: Workbench = await openWorkbench(server.url);
  onCleanup(() => w.close());
  t.diagnostic(`code-server ready in ${server.startupMs} ms, workbench in ${w.loadMs} ms`);

  const rows = () => w.treeRows('Agents');
  /** Waits until the Agents tree satisfies `check`, naming what it showed on timeout. */
  const waitForTree = async (check: (r: TreeRow[]) => boolean, message: string, timeout = 20_000): Promise<TreeRow[]> => {
    let last: TreeRow[] = [];
    return w.waitFor(
      async () => {
        last = await rows();
        return check(last) ? last : undefined;
      },
      { message: () => `${message} (tree: ${rowsText(last)})`, timeout },
    );
  };
  const has = (r: TreeRow[], label: string) => r.some((x) => x.label === label);
  /** An agent row (not an orphan row of the same id). */
  const hasAgent = (r: TreeRow[], id: string) => r.some((x) => x.label === id && !x.description.startsWith('worktree without an agent'));

  /** The modal on screen: checks it, clicks `button`, waits for it to close; returns what it said. */
  const answerModal = async (button: string, expect: { message: RegExp; detail?: RegExp; buttons?: string[] }) => {
    const dialog = await w.waitFor(() => w.dialog(), { message: 'a modal dialog' });
    assert.match(dialog.message, expect.message);
    if (expect.detail) assert.match(dialog.detail, expect.detail);
    for (const b of expect.buttons ?? []) assert.ok(dialog.buttons.includes(b), `dialog buttons: ${dialog.buttons.join(', ')}`);
    assert.ok(dialog.buttons.includes(button), `dialog buttons: ${dialog.buttons.join(', ')}`);
    await w.clickDialogButton(button);
    return dialog;
  };

  /** Clears the toasts, so "Agent X is running" from an earlier spawn cannot stand in for a later one. */
  const clearNotifications = async () => {
    await w.runCommand('Notifications: Clear All Notifications');
    await w.waitFor(async () => (await w.notifications()).length === 0, {
      message: async () => `no notifications (have: ${JSON.stringify(await w.notifications())})`,
    });
  };

  /** The spawn wizard from the palette, on the only runtime (Local, so no runtime step). */
  const spawnFromPalette = async (agentId: string, task: string) => {
    await clearNotifications();
    await w.runCommand('Tmux Agents: Spawn Agent');
    await w.quickInput.pick('Custom command', { title: /AI provider/ });
    await w.quickInput.type(fakeAgentCommand(), { title: /command line/ });
    await w.quickInput.type(task, { title: /task/ });
    await w.quickInput.pick('wt repo', { title: /working directory/ });
    await w.quickInput.waitOpen({ title: /agent id/ });
    await w.page.keyboard.press('Control+A');
    await w.quickInput.type(agentId, { title: /agent id/ });
    await w.waitForNotification(`Agent ${agentId} is running on Local`, { timeout: 60_000 });
    return waitForTree((r) => has(r, agentId), `the ${agentId} row`);
  };

  /** The cwd the fake agent reported at its `count`-th start (1-based) in its log. */
  const startedIn = (count: number) =>
    w.waitFor(
      () => {
        const starts = readAgentLog(agentLog).filter((e) => e.event === 'started');
        return starts.length >= count ? starts[count - 1]!.cwd : undefined;
      },
      { message: `the fake agent's start #${count} in its log` },
    );

  await t.test('the view shows the local runtime, healthy, and no Orphans group in a clean repository', async () => {
    await w.openViewContainer('Tmux Agents');
    const r = await waitForTree((x) => x.some((y) => y.label === 'Local' && /^healthy/.test(y.description)), 'a healthy Local row', 30_000);
    assert.ok(!has(r, 'Orphans'), `no Orphans group: ${rowsText(r)}`);
    assert.deepEqual(worktreePaths(repo), [repo]);
  });

  const orphanId = 'e2e-orphan-wt';
  const orphanPath = worktreeOf(orphanId);
  const orphanBranch = `${BRANCH_PREFIX}${orphanId}`;

  await t.test('a worktree made with plain git for an agent id no runtime has shows under Orphans', async () => {
    // The way the extension makes them: <repo>/.tmux-agents/worktrees/<id> on branch tmux-agents/<id>,
    // then some work in it: one commit and one uncommitted file.
    git(repo, 'worktree', 'add', '-q', '-b', orphanBranch, '--', orphanPath, 'HEAD');
    writeFileSync(join(orphanPath, 'committed.txt'), 'work of an agent long gone\n');
    git(orphanPath, 'add', 'committed.txt');
    git(orphanPath, 'commit', '-q', '-m', 'orphan work');
    writeFileSync(join(orphanPath, 'uncommitted.txt'), 'not committed\n');
    // Worktrees are re-read every 30 s or on Refresh: ask for it, as a user would.
    await w.runCommand('Tmux Agents: Refresh');
    const r = await waitForTree((x) => has(x, 'Orphans') && has(x, orphanId), `an Orphans group with ${orphanId}`);
    const labels = r.map((x) => x.label);
    const group = r.find((x) => x.label === 'Orphans')!;
    const row = r.find((x) => x.label === orphanId)!;
    assert.equal(group.level, 1, 'Orphans is a top-level group');
    assert.equal(group.description, '1 to clean up or adopt');
    assert.equal(row.level, 2);
    assert.ok(labels.indexOf(orphanId) > labels.indexOf('Orphans'), `the orphan sits under the group: ${rowsText(r)}`);
    assert.equal(row.description, `worktree without an agent · ${orphanBranch}`);
    // Not listed as an agent of the local runtime.
    assert.ok(labels.indexOf('Orphans') > labels.indexOf('No agents'), `Local still has no agents: ${rowsText(r)}`);
    await w.screenshot('wt-01-orphan-worktree');
  });

  await t.test('Clean Up says what removal loses; Cancel keeps it, Remove deletes the worktree and branch', async () => {
    const question = { message: new RegExp(`^Remove worktree and branch ${orphanBranch}\\?$`), detail: /has uncommitted changes and 1 commit not on the base branch/ };
    await w.clickTreeRowAction(orphanId, CLEAN_UP, { viewTitle: 'Agents' });
    const asked = await answerModal('Cancel', question);
    assert.ok(asked.detail.includes(orphanPath), `the dialog names the worktree: ${asked.detail}`);
    // Cancelling returns without touching git: the worktree, its files and the branch stay.
    assert.ok(worktreePaths(repo).includes(orphanPath), 'the worktree is still registered after Cancel');
    assert.ok(branchExists(repo, orphanBranch), 'the branch is still there after Cancel');
    assert.ok(existsSync(join(orphanPath, 'uncommitted.txt')));

    await w.clickTreeRowAction(orphanId, CLEAN_UP, { viewTitle: 'Agents' });
    await w.screenshot('wt-02-clean-up-question');
    await answerModal('Remove', question);
    await waitForTree((x) => !has(x, 'Orphans') && !has(x, orphanId), 'the Orphans group to disappear');
    assert.deepEqual(worktreePaths(repo), [repo], 'only the main worktree is left');
    assert.equal(branchExists(repo, orphanBranch), false, `branch ${orphanBranch} is deleted (it had a commit of its own)`);
    assert.equal(existsSync(orphanPath), false, 'the worktree folder is gone');
    assert.equal(git(repo, 'rev-parse', 'HEAD').trim(), mainHead, 'main is untouched');
  });

  await t.test('a spawned agent gets its own worktree and branch, outside git status', async () => {
    const id = 'e2e-wt-remove';
    await spawnFromPalette(id, 'work on a branch');
    assert.ok(tmuxHas(socket, `ta-${id}`), 'the tmux session exists');
    assert.deepEqual(worktreePaths(repo), [repo, worktreeOf(id)]);
    assert.ok(branchExists(repo, `${BRANCH_PREFIX}${id}`), 'the agent branch exists');
    assert.equal(git(worktreeOf(id), 'rev-parse', '--abbrev-ref', 'HEAD').trim(), `${BRANCH_PREFIX}${id}`);
    assert.equal(await startedIn(1), worktreeOf(id), 'the agent CLI runs in its worktree');
    assert.deepEqual(await waitForMessages(agentLog, 1), ['work on a branch']);
    assert.equal(git(repo, 'status', '--porcelain'), '', 'the worktrees folder does not show in git status');
    assert.match(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8'), /^\/\.tmux-agents\/$/m);
    const r = await rows();
    assert.ok(!has(r, 'Orphans'), `an agent's own worktree is no orphan: ${rowsText(r)}`);
  });

  await t.test('Kill asks keep-or-remove, saying what is lost; "remove" deletes the worktree and branch', async () => {
    const id = 'e2e-wt-remove';
    const branch = `${BRANCH_PREFIX}${id}`;
    // The agent's work: one commit on its branch.
    writeFileSync(join(worktreeOf(id), 'feature.txt'), 'agent work\n');
    git(worktreeOf(id), 'add', 'feature.txt');
    git(worktreeOf(id), 'commit', '-q', '-m', 'agent commit');
    await w.clickTreeRowAction(id, 'Kill Agent', { viewTitle: 'Agents' });
    await w.waitFor(() => w.dialog(), { message: 'the kill dialog' });
    await w.screenshot('wt-03-kill-keep-or-remove');
    const asked = await answerModal(REMOVE, {
      message: new RegExp(`^Kill agent ${id} on local\\?$`),
      detail: new RegExp(`Worktree .*${id} \\(branch ${branch}\\) has 1 commit not on the base branch: removing it loses them\\.`),
      buttons: [KEEP, REMOVE],
    });
    assert.doesNotMatch(asked.detail, /uncommitted/, 'a committed worktree has no uncommitted changes');
    await waitForTree((x) => !has(x, id) && !has(x, 'Orphans'), `the ${id} row to disappear, with no orphan left`);
    assert.equal(tmuxHas(socket, `ta-${id}`), false, 'the tmux session is gone');
    assert.deepEqual(worktreePaths(repo), [repo], 'the worktree is removed');
    assert.equal(branchExists(repo, branch), false, 'the branch is deleted');
    assert.equal(existsSync(worktreeOf(id)), false, 'the worktree folder is gone');
  });

  const keptId = 'e2e-wt-keep';
  const keptBranch = `${BRANCH_PREFIX}${keptId}`;

  await t.test('"keep" kills the agent but leaves its worktree, files and branch, which then show under Orphans', async () => {
    await spawnFromPalette(keptId, 'keep my work');
    assert.equal(await startedIn(2), worktreeOf(keptId));
    assert.deepEqual(worktreePaths(repo), [repo, worktreeOf(keptId)]);
    writeFileSync(join(worktreeOf(keptId), 'draft.txt'), 'uncommitted agent work\n');
    await w.clickTreeRowAction(keptId, 'Kill Agent', { viewTitle: 'Agents' });
    await answerModal(KEEP, {
      message: new RegExp(`^Kill agent ${keptId} on local\\?$`),
      detail: /has uncommitted changes: removing it loses them\./,
      buttons: [KEEP, REMOVE],
    });
    const r = await waitForTree((x) => !hasAgent(x, keptId) && has(x, 'Orphans') && has(x, keptId), `the ${keptId} agent row to go and its worktree to show under Orphans`);
    const orphanRow = r.find((x) => x.label === keptId)!;
    assert.equal(orphanRow.description, `worktree without an agent · ${keptBranch}`);
    assert.ok(r.map((x) => x.label).indexOf(keptId) > r.map((x) => x.label).indexOf('Orphans'), rowsText(r));
    assert.equal(tmuxHas(socket, `ta-${keptId}`), false, 'the tmux session is gone');
    assert.deepEqual(worktreePaths(repo), [repo, worktreeOf(keptId)], 'the worktree is kept');
    assert.ok(branchExists(repo, keptBranch), 'the branch is kept');
    assert.equal(readFileSync(join(worktreeOf(keptId), 'draft.txt'), 'utf8'), 'uncommitted agent work\n', 'its uncommitted work is kept');
    await w.screenshot('wt-04-kept-worktree-orphan');
  });

  await t.test('Adopt spawns an agent with that id in the kept worktree; the orphan goes away', async () => {
    await clearNotifications();
    await w.clickTreeRowAction(keptId, ADOPT, { viewTitle: 'Agents' });
    await w.quickInput.pick('Custom command', { title: /AI provider/ });
    await w.quickInput.type(fakeAgentCommand(), { title: /command line/ });
    await w.quickInput.type('carry on', { title: /task/ });
    // No directory step: the worktree is the directory. The id is preset to the worktree's.
    await w.quickInput.waitOpen({ title: /agent id/ });
    assert.equal(await w.quickInput.value(), keptId);
    await w.quickInput.accept();
    await w.waitForNotification(`Agent ${keptId} is running on Local`, { timeout: 60_000 });
    const r = await waitForTree((x) => hasAgent(x, keptId) && !has(x, 'Orphans'), `${keptId} as an agent, and no Orphans group`);
    assert.equal(r.find((x) => x.label === keptId)!.level, 2);
    assert.ok(r.map((x) => x.label).indexOf(keptId) > r.map((x) => x.label).indexOf('Local'), rowsText(r));
    assert.equal(await startedIn(3), worktreeOf(keptId), 'the adopting agent runs in the kept worktree');
    assert.deepEqual(worktreePaths(repo), [repo, worktreeOf(keptId)], 'no second worktree was made');
    assert.ok(existsSync(join(worktreeOf(keptId), 'draft.txt')), 'the kept work is still there');
    assert.ok(tmuxHas(socket, `ta-${keptId}`));
  });

  await t.test('killing the adopting agent with "remove" deletes the worktree, its uncommitted work and the branch', async () => {
    await w.clickTreeRowAction(keptId, 'Kill Agent', { viewTitle: 'Agents' });
    await answerModal(REMOVE, { message: new RegExp(`^Kill agent ${keptId} on local\\?$`), detail: /has uncommitted changes/, buttons: [KEEP, REMOVE] });
    await waitForTree((x) => !has(x, keptId) && !has(x, 'Orphans'), `the ${keptId} row to disappear, with no orphan left`);
    assert.equal(tmuxHas(socket, `ta-${keptId}`), false, 'the tmux session is gone');
    assert.deepEqual(worktreePaths(repo), [repo]);
    assert.equal(branchExists(repo, keptBranch), false);
    assert.deepEqual(git(repo, 'branch', '--list', `${BRANCH_PREFIX}*`).trim(), '', 'no agent branch is left');
    assert.equal(git(repo, 'rev-parse', 'HEAD').trim(), mainHead, 'main is untouched');
    assert.equal(git(repo, 'status', '--porcelain'), '', 'the repository is clean');
  });
});
