import * as vscode from 'vscode';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveOrphan } from './pickOrphan';
import { spawnAgent } from './spawnAgent';

/**
 * Adopts an orphan worktree: the spawn wizard with the worktree as the directory and its
 * agent id preset, so the new agent owns it. A container without its session has no adopt:
 * Docker's runtime relaunches the CLI by itself after a grace period, and one it could not
 * relaunch (or a pod whose session is gone) is better killed and spawned again.
 */
export async function adoptOrphan(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const orphan = await resolveOrphan(ctx, node, 'Adopt Orphan Worktree', (o) => o.kind === 'worktree');
  if (!orphan) return;
  if (orphan.kind !== 'worktree') {
    void vscode.window.showInformationMessage('Only an orphan worktree can be adopted; clean up a container or pod without its session instead.');
    return;
  }
  await spawnAgent(ctx, undefined, { directory: orphan.worktree.path, agentId: orphan.worktree.agentId });
}
