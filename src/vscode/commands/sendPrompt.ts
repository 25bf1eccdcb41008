import * as vscode from 'vscode';
import { deliverTask } from '../../tmux/agentSession';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveAgent } from './pickAgent';

export async function sendPrompt(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const agent = await resolveAgent(ctx, node, 'Send Prompt');
  if (!agent) return;
  const text = await vscode.window.showInputBox({
    title: `Send to ${agent.handle.agentId}`,
    prompt: 'Typed into the agent, then submitted with Enter',
    ignoreFocusOut: true,
  });
  if (!text) return;
  await deliverTask(ctx.manager.getTmux(agent.handle), agent.handle.sessionName, text);
  ctx.refresh.request('runtime-event');
}
