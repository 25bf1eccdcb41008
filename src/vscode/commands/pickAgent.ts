import * as vscode from 'vscode';
import type { AgentInfo } from '../../core/types';
import { STATUS_LOOK } from '../statusPresentation';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';

/** The agent a command was invoked on (tree row), or one the user picks from the palette. */
export async function resolveAgent(ctx: CommandContext, node: TreeNode | undefined, purpose: string): Promise<AgentInfo | undefined> {
  if (node?.kind === 'agent') return node.agent;
  await ctx.model.refresh();
  const agents = ctx.model.allAgents;
  if (agents.length === 0) {
    void vscode.window.showInformationMessage('No agents are running. Use "Tmux Agents: Spawn Agent" to start one.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    agents.map((a) => ({
      label: a.handle.agentId,
      description: `${STATUS_LOOK[a.status].label} · ${a.provider} · ${a.handle.runtimeId}`,
      detail: a.taskSummary,
      agent: a,
    })),
    { title: purpose, placeHolder: 'Pick an agent', matchOnDescription: true, matchOnDetail: true },
  );
  return pick?.agent;
}
