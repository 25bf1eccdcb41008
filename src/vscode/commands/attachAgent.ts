import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';
import { resolveAgent } from './pickAgent';

export async function attachAgent(ctx: CommandContext, node?: TreeNode): Promise<void> {
  const agent = await resolveAgent(ctx, node, 'Attach to Agent');
  if (!agent) return;
  ctx.terminals.attach(agent.handle, ctx.manager.getAttachCommand(agent.handle));
}
