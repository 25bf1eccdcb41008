// Maps the model to tree rows. No state of its own beyond what it renders.
import * as vscode from 'vscode';
import type { AgentInfo } from '../core/types';
import { isOrphanSession, orphanKey, type Orphan } from '../orphans/findOrphans';
import type { AgentModel } from './agentModel';
import { RUNTIME_ICON, STATUS_LOOK, formatAge, statusIcon } from './statusPresentation';
import type { TreeNode } from './treeNodes';

export class AgentTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly model: AgentModel) {
    this.sub = model.onDidChange(() => this._onDidChangeTreeData.fire(undefined));
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) {
      const roots: TreeNode[] = this.model.listings.map((listing) => ({ kind: 'runtime', listing }));
      if (this.model.orphans.length > 0) roots.push({ kind: 'orphans' });
      return roots;
    }
    if (node.kind === 'orphans') return this.model.orphans.map((orphan) => ({ kind: 'orphan', orphan }));
    if (node.kind !== 'runtime') return [];
    const { listing } = node;
    const ping = this.model.health(listing.runtimeId);
    const out: TreeNode[] = [];
    if (listing.error) out.push({ kind: 'error', runtimeId: listing.runtimeId, message: listing.error });
    else if (ping && !ping.ok && ping.error) out.push({ kind: 'error', runtimeId: listing.runtimeId, message: ping.error });
    // A container or pod without its session is listed under Orphans instead.
    const agents = listing.agents.filter((a) => !isOrphanSession(a)).sort(compareAgents);
    out.push(...agents.map((agent): TreeNode => ({ kind: 'agent', agent })));
    if (out.length === 0) out.push({ kind: 'empty', runtimeId: listing.runtimeId });
    return out;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'runtime':
        return this.runtimeItem(node.listing.runtimeId);
      case 'agent':
        return agentItem(node.agent);
      case 'error': {
        const item = new vscode.TreeItem(firstLine(node.message), vscode.TreeItemCollapsibleState.None);
        item.id = `error:${node.runtimeId}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = new vscode.MarkdownString().appendText(node.message).appendMarkdown('\n\n*Click to check again.*');
        item.contextValue = 'runtimeError';
        item.command = { command: 'tmuxAgents.pingRuntimes', title: 'Check Again' };
        return item;
      }
      case 'orphans': {
        const item = new vscode.TreeItem('Orphans', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'orphans';
        const n = this.model.orphans.length;
        item.description = `${n} to clean up or adopt`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
        item.tooltip = 'Things labelled as ours that no runtime reports as a healthy agent. Nothing is removed without your say.';
        item.contextValue = 'orphans';
        return item;
      }
      case 'orphan':
        return orphanItem(node.orphan);
      case 'empty': {
        const item = new vscode.TreeItem('No agents', vscode.TreeItemCollapsibleState.None);
        item.id = `empty:${node.runtimeId}`;
        item.description = 'spawn one with +';
        item.contextValue = 'empty';
        return item;
      }
    }
  }

  private runtimeItem(runtimeId: string): vscode.TreeItem {
    const listing = this.model.listings.find((l) => l.runtimeId === runtimeId)!;
    const ping = this.model.health(runtimeId);
    const healthy = !listing.error && ping?.ok !== false;
    const item = new vscode.TreeItem(listing.label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `runtime:${runtimeId}`;
    const shown = listing.agents.filter((a) => !isOrphanSession(a));
    const count = shown.length;
    const waiting = shown.filter((a) => a.status === 'waiting').length;
    const health = listing.error || ping?.ok === false ? 'unreachable' : ping?.ok ? 'healthy' : 'checking…';
    item.description = [health, `${count} agent${count === 1 ? '' : 's'}`, waiting ? `${waiting} waiting` : ''].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(RUNTIME_ICON[listing.runtimeType] ?? 'server', healthy ? undefined : new vscode.ThemeColor('errorForeground'));
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(listing.label)}**\n\n`);
    md.appendMarkdown(`- Type: \`${listing.runtimeType}\`\n- Id: \`${listing.runtimeId}\`\n`);
    if (ping) md.appendMarkdown(`- Health: ${ping.ok ? `healthy (${ping.latencyMs} ms)` : 'unreachable'}\n`);
    if (count > 0) md.appendMarkdown(listing.live ? '- Updates: pushed by tmux as they happen\n' : '- Updates: polled (this runtime cannot push them)\n');
    if (ping?.error) md.appendText(`\n${ping.error}`);
    item.tooltip = md;
    item.contextValue = `runtime.${listing.runtimeType}.${healthy ? 'healthy' : 'unhealthy'}`;
    return item;
  }

  dispose(): void {
    this.sub.dispose();
    this._onDidChangeTreeData.dispose();
  }
}

function compareAgents(a: AgentInfo, b: AgentInfo): number {
  const r = STATUS_LOOK[a.status].rank - STATUS_LOOK[b.status].rank;
  if (r !== 0) return r;
  return (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0);
}

export function agentItem(agent: AgentInfo): vscode.TreeItem {
  const item = new vscode.TreeItem(agent.handle.agentId, vscode.TreeItemCollapsibleState.None);
  item.id = `agent:${agent.handle.runtimeId}:${agent.handle.agentId}`;
  const look = STATUS_LOOK[agent.status];
  item.description = [look.label, agent.provider, formatAge(agent.createdAt)].filter(Boolean).join(' · ');
  item.iconPath = statusIcon(agent.status);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(agent.handle.agentId)}** — ${look.label}\n\n`);
  if (agent.statusReason) md.appendMarkdown(`*Status from:* ${escapeMd(agent.statusReason)}\n\n`);
  md.appendMarkdown(`- Provider: ${escapeMd(agent.provider)}\n`);
  md.appendMarkdown(`- Runtime: ${escapeMd(agent.handle.runtimeId)} (${agent.handle.runtimeType})\n`);
  if (agent.workingDirectory) md.appendMarkdown(`- Directory: \`${agent.workingDirectory.replace(/`/g, "'")}\`\n`);
  md.appendMarkdown(`- Session: \`${agent.handle.sessionName}\`\n`);
  if (agent.createdAt && agent.createdAt.getTime() > 0) md.appendMarkdown(`- Started: ${agent.createdAt.toLocaleString()}\n`);
  if (agent.taskSummary) md.appendMarkdown('\n---\n\n').appendText(agent.taskSummary);
  item.tooltip = md;
  item.contextValue = `agent.${agent.status}`;
  item.accessibilityInformation = { label: `Agent ${agent.handle.agentId}, ${look.label}, ${agent.provider}` };
  return item;
}

export function orphanItem(orphan: Orphan): vscode.TreeItem {
  if (orphan.kind === 'session') {
    const { agent } = orphan;
    const item = new vscode.TreeItem(agent.handle.agentId, vscode.TreeItemCollapsibleState.None);
    const what = agent.handle.runtimeType === 'k8s' ? 'pod' : 'container';
    item.id = `orphan:${orphanKey(orphan)}`;
    item.description = `${what} without its tmux session · ${agent.handle.runtimeId}`;
    item.iconPath = new vscode.ThemeIcon(agent.handle.runtimeType === 'k8s' ? 'cloud' : 'package', new vscode.ThemeColor('list.warningForeground'));
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(agent.handle.agentId)}**: the ${what} runs but the agent's tmux session is gone.\n\n`);
    if (agent.statusReason) md.appendMarkdown(`*Status from:* ${escapeMd(agent.statusReason)}\n\n`);
    md.appendMarkdown(`- Runtime: ${escapeMd(agent.handle.runtimeId)} (${agent.handle.runtimeType})\n\n*Clean Up* removes the ${what}.`);
    item.tooltip = md;
    item.contextValue = 'orphan.session';
    return item;
  }
  const { worktree } = orphan;
  const item = new vscode.TreeItem(worktree.agentId, vscode.TreeItemCollapsibleState.None);
  item.id = `orphan:${orphanKey(orphan)}`;
  item.description = `worktree without an agent · ${worktree.branch}`;
  item.iconPath = new vscode.ThemeIcon('git-branch', new vscode.ThemeColor('list.warningForeground'));
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(worktree.agentId)}**: no runtime has an agent with this id.\n\n`);
  md.appendMarkdown(`- Worktree: \`${worktree.path.replace(/`/g, "'")}\`\n- Branch: \`${worktree.branch}\`\n\n`);
  md.appendMarkdown('*Adopt* spawns an agent in it; *Clean Up* removes the worktree and its branch.');
  item.tooltip = md;
  item.contextValue = 'orphan.worktree';
  return item;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
