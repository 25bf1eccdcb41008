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
  /** A worktree under `.tmux-agents/worktrees/` with no agent of its id in any runtime. */
  | { kind: 'worktree'; worktree: AgentWorktreeRow };

export function findOrphans(listings: readonly RuntimeListing[], worktrees: readonly AgentWorktreeRow[]): Orphan[] {
  const out: Orphan[] = [];
  for (const l of listings) for (const agent of l.agents) if (agent.sessionMissing) out.push({ kind: 'session', agent });
  // A runtime we could not list may hold the agent of a worktree: never call it an orphan on a guess.
  if (listings.some((l) => l.error)) return out;
  const ids = new Set(listings.flatMap((l) => l.agents.map((a) => a.handle.agentId)));
  for (const worktree of worktrees) if (!ids.has(worktree.agentId)) out.push({ kind: 'worktree', worktree });
  return out;
}

/** A stable id for tree rows and pickers. */
export function orphanKey(o: Orphan): string {
  return o.kind === 'session' ? `session:${o.agent.handle.runtimeId}:${o.agent.handle.agentId}` : `worktree:${o.worktree.path}`;
}
