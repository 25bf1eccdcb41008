import * as vscode from 'vscode';
import { isTmuxAgentsError } from '../../core/errors';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveAgent } from './pickAgent';

export async function killAgent(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const agent = await resolveAgent(ctx, node, 'Kill Agent');
  if (!agent) return;
  const { handle } = agent;
  const what = handle.runtimeType === 'docker' ? 'its tmux session and container' : handle.runtimeType === 'k8s' ? 'its tmux session and pod' : 'its tmux session';
  const ok = await vscode.window.showWarningMessage(
    `Kill agent ${handle.agentId} on ${handle.runtimeId}?`,
    { modal: true, detail: `This stops the agent and removes ${what}. Unsaved work inside the agent is lost.` },
    'Kill',
  );
  if (ok !== 'Kill') return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Killing ${handle.agentId}…` }, async () => {
    try {
      await ctx.manager.killAgent(handle);
    } catch (e) {
      if (!isTmuxAgentsError(e, 'agent-not-found')) throw e;
      void vscode.window.showInformationMessage(`Agent ${handle.agentId} was already gone.`);
    }
  });
  ctx.terminals.close(handle);
  await ctx.refresh.request('command');
}
