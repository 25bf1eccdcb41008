// Tells the user when an agent starts waiting for them, with a button to attach.
import * as vscode from 'vscode';
import type { StatusService, StatusTransition } from '../status';
import type { AgentModel } from './agentModel';

export class AttentionNotifier implements vscode.Disposable {
  private readonly sub: { dispose(): void };

  constructor(
    status: StatusService,
    private readonly model: AgentModel,
    private readonly enabled: () => boolean,
  ) {
    this.sub = status.onDidTransition((t) => this.onTransition(t));
  }

  private onTransition(t: StatusTransition): void {
    if (t.to !== 'waiting' || !this.enabled()) return;
    const { agentId, runtimeId } = t.handle;
    void vscode.window
      .showInformationMessage(`Agent ${agentId} is waiting for you (${t.reason}).`, 'Attach', 'Show Output')
      .then((choice) => {
        const agent = this.model.findAgent(runtimeId, agentId);
        if (!agent) return;
        const node = { kind: 'agent', agent };
        if (choice === 'Attach') void vscode.commands.executeCommand('tmuxAgents.attach', node);
        if (choice === 'Show Output') void vscode.commands.executeCommand('tmuxAgents.showOutput', node);
      });
  }

  dispose(): void {
    this.sub.dispose();
  }
}
