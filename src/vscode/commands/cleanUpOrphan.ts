import * as vscode from 'vscode';
import { errorMessage, isTmuxAgentsError } from '../../core/errors';
import { LocalProcessExecutor } from '../../runtimes/local/localProcessExecutor';
import { describeWorktreeLoss } from '../../worktrees/agentWorktreeLifecycle';
import { removeAgentWorktree, worktreeState, type WorktreeState } from '../../worktrees/gitWorktrees';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveOrphan } from './pickOrphan';

/** Removes an orphan (container or pod, or worktree and branch) after a modal confirmation. */
export async function cleanUpOrphan(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const orphan = await resolveOrphan(ctx, node, 'Clean Up Orphan');
  if (!orphan) return;
  if (orphan.kind === 'session') {
    const { handle } = orphan.agent;
    const what = handle.runtimeType === 'k8s' ? 'pod' : 'container';
    const ok = await vscode.window.showWarningMessage(
      `Remove the ${what} of agent ${handle.agentId} on ${handle.runtimeId}?`,
      { modal: true, detail: `Its tmux session is gone; removing the ${what} loses whatever is left inside it.` },
      'Remove',
    );
    if (ok !== 'Remove') return;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Removing ${handle.agentId}…` }, async () => {
      try {
        await ctx.manager.killAgent(handle);
      } catch (e) {
        if (!isTmuxAgentsError(e, 'agent-not-found')) throw e;
      }
    });
    ctx.terminals.close(handle);
  } else {
    // Orphan worktrees come from the workspace folders' repositories, on this machine.
    const exec = new LocalProcessExecutor();
    const wt = orphan.worktree;
    let state: WorktreeState | undefined;
    try {
      state = await worktreeState(exec, wt);
    } catch (e) {
      ctx.log.warn(`Reading the state of ${wt.path} failed: ${errorMessage(e)}`);
    }
    const ok = await vscode.window.showWarningMessage(
      `Remove worktree and branch ${wt.branch}?`,
      { modal: true, detail: describeWorktreeLoss(wt, state) },
      'Remove',
    );
    if (ok !== 'Remove') return;
    await removeAgentWorktree(exec, wt, { deleteBranch: true, force: true });
  }
  ctx.model.rescanWorktrees();
  await ctx.refresh.request('command');
}
