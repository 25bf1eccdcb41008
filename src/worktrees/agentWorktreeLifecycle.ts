// The decisions around an agent's worktree that the spawn wizard, kill and the Orphans
// group make, without VS Code: where git runs, which directory the agent gets, cleaning up
// after a failed spawn, what the kill question says, and which worktrees are ours.
import { errorMessage } from '../core/errors';
import type { AgentRuntime } from '../core/types';
import { LocalProcessExecutor } from '../runtimes/local/localProcessExecutor';
import { TmuxHostRuntime } from '../runtimes/tmuxHost/tmuxHostRuntime';
import type { CommandExecutor } from '../tmux/executor';
import {
  WORKTREES_DIR,
  createAgentWorktree,
  findRepoRoot,
  listAgentWorktrees,
  removeAgentWorktree,
  worktreeBranch,
  worktreeState,
  type AgentWorktree,
  type WorktreeState,
} from './gitWorktrees';

export type AgentWorktreeRow = AgentWorktree & { agentId: string };

/**
 * Where git must run for an agent's working directory: on the tmux host for local and SSH
 * runtimes; on this machine for Docker and Kubernetes, whose working directory is a folder
 * here (mounted into the container, copied into the pod).
 */
export function gitExecutorFor(runtime: AgentRuntime, local: CommandExecutor = new LocalProcessExecutor()): CommandExecutor {
  return runtime instanceof TmuxHostRuntime ? runtime.hostExecutor : local;
}

const WORKTREE_PATH = new RegExp(`^(.+)/${WORKTREES_DIR.replace(/[.]/g, '\\.')}/([a-z0-9][a-z0-9-]*)(?:/.*)?$`);

/** The agent worktree a directory is in (by its path: `<repo>/.tmux-agents/worktrees/<id>[/sub]`), if any. */
export function worktreeFromDirectory(dir: string): AgentWorktreeRow | undefined {
  const m = WORKTREE_PATH.exec(dir.replace(/\/+$/, ''));
  if (!m) return undefined;
  const [, repoRoot, agentId] = m as unknown as [string, string, string];
  try {
    return { repoRoot, agentId, path: `${repoRoot}/${WORKTREES_DIR}/${agentId}`, branch: worktreeBranch(agentId) };
  } catch {
    return undefined; // not a valid agent id: not one of ours
  }
}

export interface WorktreeSpawnResult<T> {
  result: T;
  /** The worktree created for the agent; undefined when none was (setting off, not a repository, already a worktree). */
  worktree?: AgentWorktree;
}

/**
 * Runs `spawn` in the agent's own worktree when `enabled` and `directory` is in a git
 * repository (a subfolder maps to the same subfolder of the worktree); otherwise in
 * `directory` itself. A directory that already is an agent worktree (adopting an orphan) is
 * used as it is. When the spawn fails, the worktree and branch it created are removed.
 */
export async function spawnWithWorktree<T>(
  exec: CommandExecutor,
  opts: { enabled: boolean; directory: string; agentId: string; log?: (message: string) => void },
  spawn: (workingDirectory: string) => Promise<T>,
): Promise<WorktreeSpawnResult<T>> {
  const repoRoot = opts.enabled && !worktreeFromDirectory(opts.directory) ? await findRepoRoot(exec, opts.directory) : undefined;
  if (!repoRoot) return { result: await spawn(opts.directory) };
  const worktree = await createAgentWorktree(exec, { repoDir: opts.directory, agentId: opts.agentId });
  const sub = opts.directory.startsWith(`${repoRoot}/`) ? opts.directory.slice(repoRoot.length) : '';
  try {
    return { result: await spawn(worktree.path + sub), worktree };
  } catch (e) {
    // Nothing was done in it yet: force is safe, and the branch is ours.
    await removeAgentWorktree(exec, worktree, { deleteBranch: true, force: true }).catch((re: unknown) =>
      opts.log?.(`Removing worktree ${worktree.path} after the failed spawn failed: ${errorMessage(re)}`),
    );
    throw e;
  }
}

/** What removing a worktree and its branch would lose, in words; undefined state = could not be read. */
export function describeWorktreeLoss(wt: AgentWorktree, state: WorktreeState | undefined): string {
  const where = `Worktree ${wt.path} (branch ${wt.branch})`;
  if (!state) return `${where}: its state could not be read; removing it may lose work.`;
  const losses: string[] = [];
  if (state.dirty) losses.push('uncommitted changes');
  if (state.commitsAhead > 0) losses.push(`${state.commitsAhead} commit${state.commitsAhead === 1 ? '' : 's'} not on the base branch`);
  return losses.length ? `${where} has ${losses.join(' and ')}: removing it loses them.` : `${where} has no changes of its own: removing it loses nothing.`;
}

export const KILL_KEEP_WORKTREE = 'Kill, Keep Worktree';
export const KILL_REMOVE_WORKTREE = 'Kill and Remove Worktree';

/** The extra question kill asks for an agent working in one of our worktrees. */
export function killWorktreeQuestion(wt: AgentWorktree, state: WorktreeState | undefined): { detail: string; buttons: [string, string] } {
  return { detail: describeWorktreeLoss(wt, state), buttons: [KILL_KEEP_WORKTREE, KILL_REMOVE_WORKTREE] };
}

export interface AgentWorktreeInUse {
  worktree: AgentWorktreeRow;
  /** What removing it would lose. */
  state: WorktreeState;
}

/**
 * The worktree an agent works in, when it is one of ours and still there (asked before
 * kill); undefined otherwise: not a worktree, removed by hand, or git cannot read it (kill
 * then works as usual and the Orphans group shows what is left).
 */
export async function inspectAgentWorktree(exec: CommandExecutor, workingDirectory: string | undefined, log?: (message: string) => void): Promise<AgentWorktreeInUse | undefined> {
  const worktree = workingDirectory ? worktreeFromDirectory(workingDirectory) : undefined;
  if (!worktree) return undefined;
  try {
    return { worktree, state: await worktreeState(exec, worktree) };
  } catch (e) {
    log?.(`Reading the state of worktree ${worktree.path} failed: ${errorMessage(e)}`);
    return undefined;
  }
}

/** After the kill: removes the worktree and branch when that was chosen (the user saw what it loses, so past git's dirty check). */
export async function applyKillChoice(exec: CommandExecutor, worktree: AgentWorktree, choice: string | undefined): Promise<boolean> {
  if (choice !== KILL_REMOVE_WORKTREE) return false;
  await removeAgentWorktree(exec, worktree, { deleteBranch: true, force: true });
  return true;
}

/** Agent worktrees of the repositories `dirs` are in (each repository once); unreadable repositories are skipped. */
export async function scanAgentWorktrees(exec: CommandExecutor, dirs: readonly string[], log?: (message: string) => void): Promise<AgentWorktreeRow[]> {
  const roots = new Set<string>();
  for (const dir of dirs) {
    const root = await findRepoRoot(exec, dir).catch(() => undefined);
    if (root) roots.add(root);
  }
  const rows: AgentWorktreeRow[] = [];
  for (const root of roots) {
    try {
      rows.push(...(await listAgentWorktrees(exec, root)));
    } catch (e) {
      log?.(`Listing the worktrees of ${root} failed: ${errorMessage(e)}`);
    }
  }
  return rows;
}
