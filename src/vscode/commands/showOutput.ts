import * as vscode from 'vscode';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveAgent } from './pickAgent';

export async function showOutput(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const agent = await resolveAgent(ctx, node, 'Show Agent Output');
  if (!agent) return;
  const doc = await vscode.workspace.openTextDocument(ctx.outputs.uriFor(agent.handle));
  await vscode.window.showTextDocument(doc, { preview: false });
}
