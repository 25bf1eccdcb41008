import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** Re-pings every runtime and refreshes; the status bar's click. */
export async function pingRuntimes(ctx: CommandContext): Promise<void> {
  const results = await ctx.model.ping();
  await ctx.refresh.request('manual');
  const down = results.filter((r) => !r.ok);
  if (down.length === 0) {
    vscode.window.setStatusBarMessage(`Tmux Agents: all ${results.length} runtime${results.length === 1 ? '' : 's'} healthy`, 4000);
  } else {
    void vscode.window.showWarningMessage(
      `Tmux Agents: ${down.map((r) => `${r.label}: ${r.error}`).join(' | ')}`,
    );
  }
}
