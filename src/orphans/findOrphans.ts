// Things labelled as ours that no runtime reports as a healthy agent. Pure: the model hands
// in what the runtimes listed and which agent worktrees the workspace's repositories have.
//
// Not orphans: a tmux-host agent whose CLI exited (its runtime lists it as `exited`, with the
// pane kept so its last output can be read; it stays under its runtime and Kill removes it),
// and a container in its restart grace period or being relaunched (Docker's runtime brings
// its session back by itself).
import type { RuntimeListing } from '../core/runtimeManager';
import type { AgentInfo } from '../core/types';
import type { AgentWorktreeRow } from '../worktrees/agentWorktreeLifecycle';

export type Orphan =
  /** A container or pod that runs without the agent's tmux session. */
  | { kind: 'session'; agent: AgentInfo }
  /** A worktree under `.tmux-agents/worktrees/` that no agent in any runtime has (by id or working directory). */
  | { kind: 'worktree'; worktree: AgentWorktreeRow };

/** A container or pod listed without its session: shown as an orphan, never as an agent. */
export function isOrphanSession(a: AgentInfo): boolean {
  return a.sessionMissing === true;
}

const samePath = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export function findOrphans(listings: readonly RuntimeListing[], worktrees: readonly AgentWorktreeRow[]): Orphan[] {
  const out: Orphan[] = [];
  for (const l of listings) for (const agent of l.agents) if (isOrphanSession(agent)) out.push({ kind: 'session', agent });
  // A runtime we could not list may hold the agent of a worktree: never call it an orphan on a guess.
  if (listings.some((l) => l.error)) return out;
  const agents = listings.flatMap((l) => l.agents);
  const ids = new Set(agents.map((a) => a.handle.agentId));
  // Adopted under another id, or picked as a folder for a new agent: in use all the same.
  const used = (w: AgentWorktreeRow) => ids.has(w.agentId) || agents.some((a) => a.workingDirectory !== undefined && samePath(a.workingDirectory, w.path));
  for (const worktree of worktrees) if (!used(worktree)) out.push({ kind: 'worktree', worktree });
  return out;
}

/** A stable id for tree rows and pickers. */
export function orphanKey(o: Orphan): string {
  return o.kind === 'session' ? `session:${o.agent.handle.runtimeId}:${o.agent.handle.agentId}` : `worktree:${o.worktree.path}`;
}
