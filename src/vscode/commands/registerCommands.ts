import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { TreeNode } from '../treeNodes';
import { adoptOrphan } from './adoptOrphan';
import { setApiKey } from './apiKeys';
import { attachAgent } from './attachAgent';
import { cleanUpOrphan } from './cleanUpOrphan';
import type { CommandContext } from './commandContext';
import { killAgent } from './killAgent';
import { pingRuntimes } from './pingRuntimes';
import { sendPrompt } from './sendPrompt';
import { showOutput } from './showOutput';
import { spawnAgent } from './spawnAgent';

type Handler = (ctx: CommandContext, node?: TreeNode) => Promise<void>;

const COMMANDS: Record<string, Handler> = {
  'tmuxAgents.spawnAgent': (ctx, node) => spawnAgent(ctx, node),
  'tmuxAgents.killAgent': killAgent,
  'tmuxAgents.attach': attachAgent,
  'tmuxAgents.refresh': async (ctx) => {
    ctx.model.rescanWorktrees();
    await ctx.refresh.request('manual');
  },
  'tmuxAgents.sendPrompt': sendPrompt,
  'tmuxAgents.showOutput': showOutput,
  'tmuxAgents.pingRuntimes': pingRuntimes,
  'tmuxAgents.setApiKey': setApiKey,
  'tmuxAgents.cleanUpOrphan': cleanUpOrphan,
  'tmuxAgents.adoptOrphan': adoptOrphan,
};

/** Every command reports its failure where the user is looking, and in the log. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (node?: TreeNode) => {
      try {
        await handler(ctx, node);
      } catch (e) {
        ctx.log.error(`${id} failed: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(errorMessage(e), 'Show Log').then((c) => {
          if (c === 'Show Log') void vscode.commands.executeCommand('workbench.action.output.show.tmuxAgents.Tmux Agents');
        });
      }
    }),
  );
}

export const COMMAND_IDS = Object.keys(COMMANDS);
