import * as vscode from 'vscode';
import type { Orphan } from '../../orphans/findOrphans';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';

export function orphanLabel(o: Orphan): { label: string; description: string } {
  return o.kind === 'session'
    ? { label: o.agent.handle.agentId, description: `${o.agent.handle.runtimeType === 'k8s' ? 'pod' : 'container'} without its tmux session · ${o.agent.handle.runtimeId}` }
    : { label: o.worktree.agentId, description: `worktree without an agent · ${o.worktree.path}` };
}

/** The orphan a command was invoked on (tree row), or one the user picks from the palette. */
export async function resolveOrphan(ctx: CommandContext, node: TreeNode | undefined, purpose: string, accept: (o: Orphan) => boolean = () => true): Promise<Orphan | undefined> {
  if (node?.kind === 'orphan') return node.orphan;
  ctx.model.rescanWorktrees();
  await ctx.model.refresh();
  const orphans = ctx.model.orphans.filter(accept);
  if (orphans.length === 0) {
    void vscode.window.showInformationMessage('There are no orphans.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    orphans.map((o) => ({ ...orphanLabel(o), orphan: o })),
    { title: purpose, placeHolder: 'Pick an orphan', matchOnDescription: true },
  );
  return pick?.orphan;
}
