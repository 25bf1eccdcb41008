import * as vscode from 'vscode';
import { isOrphanSession } from '../orphans/findOrphans';
import type { AgentModel } from './agentModel';

/** Agent count and runtime health; warning colour when any runtime is down. */
export class AgentStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: AgentModel) {
    this.item = vscode.window.createStatusBarItem('tmuxAgents.status', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Tmux Agents';
    this.item.command = 'tmuxAgents.pingRuntimes';
    this.sub = model.onDidChange(() => this.render());
    this.render();
    this.item.show();
  }

  private render(): void {
    const listings = this.model.listings;
    const agents = this.model.allAgents;
    const waiting = agents.filter((a) => a.status === 'waiting').length;
    const down = listings.filter((l) => l.error || this.model.health(l.runtimeId)?.ok === false);
    const parts = [`$(terminal) ${agents.length} agent${agents.length === 1 ? '' : 's'}`];
    if (waiting) parts.push(`$(bell-dot) ${waiting} need${waiting === 1 ? 's' : ''} you`);
    if (down.length) parts.push(`$(warning) ${down.length} down`);
    this.item.text = parts.join('  ');
    this.item.backgroundColor = down.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const md = new vscode.MarkdownString('**Tmux Agents**\n\n');
    for (const l of listings) {
      const ping = this.model.health(l.runtimeId);
      const state = l.error || ping?.ok === false ? '$(error) unreachable' : ping?.ok ? '$(check) healthy' : '$(sync) checking';
      const count = l.agents.filter((a) => !isOrphanSession(a)).length;
      md.appendMarkdown(`- ${l.label} (${l.runtimeType}): ${state}, ${count} agent${count === 1 ? '' : 's'}\n`);
    }
    md.appendMarkdown('\n*Click to check all runtimes again.*');
    md.supportThemeIcons = true;
    this.item.tooltip = md;
    this.item.accessibilityInformation = {
      label: `Tmux Agents: ${agents.length} agents, ${down.length ? `${down.length} runtimes down` : 'all runtimes healthy'}`,
    };
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
