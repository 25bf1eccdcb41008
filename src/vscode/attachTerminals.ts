import * as vscode from 'vscode';
import type { AttachCommand, AgentHandle } from '../core/types';

/** One integrated terminal per agent: attach focuses the existing one instead of a second. */
export class AttachTerminals implements vscode.Disposable {
  private readonly terminals = new Map<string, vscode.Terminal>();
  private readonly sub: vscode.Disposable;

  constructor() {
    this.sub = vscode.window.onDidCloseTerminal((t) => {
      for (const [k, v] of this.terminals) if (v === t) this.terminals.delete(k);
    });
  }

  attach(handle: AgentHandle, cmd: AttachCommand): vscode.Terminal {
    const key = `${handle.runtimeId}/${handle.agentId}`;
    const existing = this.terminals.get(key);
    if (existing && existing.exitStatus === undefined) {
      existing.show();
      return existing;
    }
    const [shellPath, ...shellArgs] = cmd.argv;
    // shellPath/shellArgs: the argv runs directly, no shell parses it.
    const terminal = vscode.window.createTerminal({
      name: `Agent: ${handle.agentId}`,
      shellPath,
      shellArgs,
      iconPath: new vscode.ThemeIcon('robot'),
      env: { TMUX: undefined as unknown as string },
    });
    this.terminals.set(key, terminal);
    terminal.show();
    return terminal;
  }

  close(handle: AgentHandle): void {
    const key = `${handle.runtimeId}/${handle.agentId}`;
    this.terminals.get(key)?.dispose();
    this.terminals.delete(key);
  }

  dispose(): void {
    this.sub.dispose();
    this.terminals.clear();
  }
}
