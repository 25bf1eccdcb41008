// How each agent status looks: one table for the tree, status bar and quick picks.
import * as vscode from 'vscode';
import type { AgentStatus } from '../core/types';

interface Look {
  icon: string;
  color?: string;
  label: string;
  /** Lower sorts first: agents that need the user come first. */
  rank: number;
}

export const STATUS_LOOK: Record<AgentStatus, Look> = {
  waiting: { icon: 'bell-dot', color: 'charts.yellow', label: 'waiting for input', rank: 0 },
  failed: { icon: 'error', color: 'errorForeground', label: 'failed', rank: 1 },
  exited: { icon: 'debug-stop', color: 'disabledForeground', label: 'exited', rank: 2 },
  working: { icon: 'sync~spin', color: 'charts.blue', label: 'working', rank: 3 },
  starting: { icon: 'loading~spin', label: 'starting', rank: 4 },
  running: { icon: 'pulse', color: 'charts.green', label: 'running', rank: 5 },
  idle: { icon: 'circle-outline', label: 'idle', rank: 6 },
  stopped: { icon: 'circle-slash', color: 'disabledForeground', label: 'stopped', rank: 7 },
  unknown: { icon: 'question', color: 'disabledForeground', label: 'unknown', rank: 8 },
};

export function statusIcon(status: AgentStatus): vscode.ThemeIcon {
  const look = STATUS_LOOK[status];
  return new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
}

export function formatAge(from: Date | undefined, now = Date.now()): string {
  if (!from || from.getTime() <= 0) return '';
  const s = Math.max(0, Math.round((now - from.getTime()) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

export const RUNTIME_ICON: Record<string, string> = {
  local: 'vm',
  ssh: 'remote',
  docker: 'package',
  k8s: 'cloud',
};
