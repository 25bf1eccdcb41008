import * as vscode from 'vscode';
import { isTmuxAgentsError } from '../../core/errors';
import { applyKillChoice, gitExecutorFor, inspectAgentWorktree, killWorktreeQuestion } from '../../worktrees/agentWorktreeLifecycle';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveAgent } from './pickAgent';

export async function killAgent(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const agent = await resolveAgent(ctx, node, 'Kill Agent');
  if (!agent) return;
  const { handle } = agent;
  const what = handle.runtimeType === 'docker' ? 'its tmux session and container' : handle.runtimeType === 'k8s' ? 'its tmux session and pod' : 'its tmux session';
  const question = `Kill agent ${handle.agentId} on ${handle.runtimeId}?`;
  const detail = `This stops the agent and removes ${what}. Unsaved work inside the agent is lost.`;
  const runtime = ctx.manager.list().find((r) => r.id === handle.runtimeId);
  const exec = runtime ? gitExecutorFor(runtime) : undefined;
  const inUse = exec ? await inspectAgentWorktree(exec, agent.workingDirectory, (m) => ctx.log.warn(m)) : undefined;
  let choice: string | undefined;
  if (inUse) {
    // One modal: kill keeping the worktree and branch, or kill removing them (saying what that loses).
    const q = killWorktreeQuestion(inUse.worktree, inUse.state);
    choice = await vscode.window.showWarningMessage(question, { modal: true, detail: `${detail}\n\n${q.detail}` }, ...q.buttons);
  } else {
    choice = await vscode.window.showWarningMessage(question, { modal: true, detail }, 'Kill');
  }
  if (!choice) return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Killing ${handle.agentId}…` }, async () => {
    try {
      await ctx.manager.killAgent(handle);
    } catch (e) {
      if (!isTmuxAgentsError(e, 'agent-not-found')) throw e;
      void vscode.window.showInformationMessage(`Agent ${handle.agentId} was already gone.`);
    }
    if (inUse && exec && (await applyKillChoice(exec, inUse.worktree, choice))) ctx.log.info(`Removed worktree ${inUse.worktree.path} and branch ${inUse.worktree.branch}`);
  });
  ctx.terminals.close(handle);
  ctx.model.rescanWorktrees();
  await ctx.refresh.request('command');
}
