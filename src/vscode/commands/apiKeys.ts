import * as vscode from 'vscode';
import { API_KEY_VARIABLES } from '../apiKeyStore';
import type { CommandContext } from './commandContext';

export async function setApiKey(ctx: CommandContext): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    Object.entries(API_KEY_VARIABLES).map(([variable, provider]) => ({ label: variable, description: `for ${provider}`, variable })),
    { title: 'Store an API key in VS Code secret storage', placeHolder: 'Which key?' },
  );
  if (!pick) return;
  const value = await vscode.window.showInputBox({ title: `Value of ${pick.variable}`, password: true, ignoreFocusOut: true, prompt: 'Leave empty to delete the stored key' });
  if (value === undefined) return;
  await ctx.apiKeys.set(pick.variable, value);
  void vscode.window.showInformationMessage(value ? `${pick.variable} stored; new agents of that provider receive it as an environment variable.` : `${pick.variable} deleted.`);
}
