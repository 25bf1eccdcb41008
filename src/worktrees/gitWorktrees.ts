// Per-agent isolation with git worktrees: each agent gets its own checkout and branch
// (`tmux-agents/<agent-id>`) of the repository its working directory belongs to. Git runs
// as an argv through a CommandExecutor, so the same code works on this machine and on an
// SSH host (where the repository lives).
//
// Worktrees go under `<repo>/.tmux-agents/worktrees/<agent-id>` (listed in the repository's
// .git/info/exclude, so they never show as untracked files): inside the repository folder,
// so a container runtime that mounts the repository has the worktree too. Git (2.39 here)
// writes absolute paths into a worktree's `.git` file, so inside a container the repository
// must be mounted at the same path as on the host for git to work in the worktree.
import { TmuxAgentsError } from '../core/errors';
import { validateAgentId } from '../core/ids';
import type { CommandExecutor, ExecResult } from '../tmux/executor';

export const WORKTREE_BRANCH_PREFIX = 'tmux-agents/';
export const WORKTREES_DIR = '.tmux-agents/worktrees';
const EXCLUDE_LINE = '/.tmux-agents/';
const GIT_TIMEOUT_MS = 30_000;

export const worktreeBranch = (agentId: string): string => WORKTREE_BRANCH_PREFIX + validateAgentId(agentId);

export interface AgentWorktree {
  repoRoot: string;
  path: string;
  branch: string;
}

async function git(exec: CommandExecutor, cwd: string, args: string[], input?: string): Promise<ExecResult> {
  return exec.exec(['git', '-C', cwd, ...args], { timeoutMs: GIT_TIMEOUT_MS, input });
}

async function gitOk(exec: CommandExecutor, cwd: string, args: string[], what: string): Promise<string> {
  const r = await git(exec, cwd, args);
  if (r.exitCode !== 0) {
    throw new TmuxAgentsError('invalid-input', `${what} failed on ${exec.where}: ${(r.stderr || r.stdout).trim() || `git exited with ${r.exitCode}`}`);
  }
  return r.stdout;
}

/** The top folder of the repository `dir` is in, or undefined when it is not in one (or git is missing). */
export async function findRepoRoot(exec: CommandExecutor, dir: string): Promise<string | undefined> {
  const r = await git(exec, dir, ['rev-parse', '--show-toplevel']);
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Creates the agent's worktree and branch from `baseRef` (default: what the repository has checked out). */
export async function createAgentWorktree(exec: CommandExecutor, spec: { repoDir: string; agentId: string; baseRef?: string }): Promise<AgentWorktree> {
  const branch = worktreeBranch(spec.agentId);
  const repoRoot = await findRepoRoot(exec, spec.repoDir);
  if (!repoRoot) throw new TmuxAgentsError('invalid-input', `${spec.repoDir} is not in a git repository on ${exec.where}.`);
  const path = `${repoRoot}/${WORKTREES_DIR}/${spec.agentId}`;
  if ((await git(exec, repoRoot, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])).exitCode === 0) {
    throw new TmuxAgentsError('agent-exists', `Branch ${branch} already exists in ${repoRoot}.`, 'Remove it (or its worktree) first, or pick another agent id.');
  }
  await excludeWorktreesDir(exec, repoRoot);
  // `--` keeps a base ref starting with "-" from being read as an option.
  await gitOk(exec, repoRoot, ['worktree', 'add', '-b', branch, '--', path, spec.baseRef ?? 'HEAD'], `Creating worktree ${path}`);
  return { repoRoot, path, branch };
}

/** Adds the worktrees folder to .git/info/exclude once. */
async function excludeWorktreesDir(exec: CommandExecutor, repoRoot: string): Promise<void> {
  const file = (await gitOk(exec, repoRoot, ['rev-parse', '--path-format=absolute', '--git-path', 'info/exclude'], 'Finding .git/info/exclude')).trim();
  const current = await exec.exec(['cat', file], { timeoutMs: GIT_TIMEOUT_MS });
  const lines = current.exitCode === 0 ? current.stdout.split('\n') : [];
  if (lines.includes(EXCLUDE_LINE)) return;
  const text = (current.exitCode === 0 ? current.stdout.replace(/\n*$/, '\n') : '') + `# tmux-agents: per-agent worktrees\n${EXCLUDE_LINE}\n`;
  // dd writes stdin to the file: no shell, so no quoting of the path.
  const dir = file.slice(0, file.lastIndexOf('/'));
  await exec.exec(['mkdir', '-p', dir], { timeoutMs: GIT_TIMEOUT_MS });
  const w = await exec.exec(['dd', `of=${file}`, 'status=none'], { input: text, timeoutMs: GIT_TIMEOUT_MS });
  if (w.exitCode !== 0) throw new TmuxAgentsError('invalid-input', `Could not update ${file} on ${exec.where}: ${w.stderr.trim()}`);
}

export interface WorktreeState {
  /** Uncommitted changes (tracked or untracked files). */
  dirty: boolean;
  /** Commits on the agent's branch that its base does not have. */
  commitsAhead: number;
}

/** What would be lost by removing the worktree and branch: asked before "kill". */
export async function worktreeState(exec: CommandExecutor, wt: AgentWorktree, baseRef = 'HEAD'): Promise<WorktreeState> {
  const status = await gitOk(exec, wt.path, ['status', '--porcelain'], 'Reading the worktree status');
  const base = (await gitOk(exec, wt.repoRoot, ['rev-parse', baseRef], 'Reading the base commit')).trim();
  const ahead = await gitOk(exec, wt.repoRoot, ['rev-list', '--count', `${base}..refs/heads/${wt.branch}`], 'Counting the branch commits');
  return { dirty: status.trim().length > 0, commitsAhead: Number(ahead.trim()) || 0 };
}

/**
 * Removes the agent's worktree, and its branch when `deleteBranch`. Without `force`, a
 * worktree with uncommitted changes is refused (git's own check), and nothing is removed.
 */
export async function removeAgentWorktree(exec: CommandExecutor, wt: AgentWorktree, opts: { deleteBranch: boolean; force?: boolean }): Promise<void> {
  await gitOk(exec, wt.repoRoot, ['worktree', 'remove', ...(opts.force ? ['--force'] : []), '--', wt.path], `Removing worktree ${wt.path}`);
  if (opts.deleteBranch) await gitOk(exec, wt.repoRoot, ['branch', '-D', '--', wt.branch], `Deleting branch ${wt.branch}`);
  await git(exec, wt.repoRoot, ['worktree', 'prune']);
}

/** Agent worktrees of a repository (for orphan detection: a worktree whose agent is gone). */
export async function listAgentWorktrees(exec: CommandExecutor, repoRoot: string): Promise<Array<AgentWorktree & { agentId: string }>> {
  const out = await gitOk(exec, repoRoot, ['worktree', 'list', '--porcelain'], 'Listing worktrees');
  const found: Array<AgentWorktree & { agentId: string }> = [];
  for (const block of out.split('\n\n')) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    const ref = /^branch refs\/heads\/(.+)$/m.exec(block)?.[1];
    if (path && ref?.startsWith(WORKTREE_BRANCH_PREFIX)) found.push({ repoRoot, path, branch: ref, agentId: ref.slice(WORKTREE_BRANCH_PREFIX.length) });
  }
  return found;
}
