// Agents on a tmux server are found by these session user options, so a reloaded VS Code
// finds every agent still running. Free text is URI-encoded: list-sessions prints values
// raw (a tab or newline would break the row) and tmux reads a trailing ';' as a separator.

export const LABEL = {
  marker: '@tmux-agents',
  agentId: '@tmux-agents.agent-id',
  runtimeId: '@tmux-agents.runtime-id',
  provider: '@tmux-agents.provider',
  createdAt: '@tmux-agents.created-at',
  task: '@tmux-agents.task',
  cwd: '@tmux-agents.cwd',
} as const;

export interface SessionLabels {
  agentId: string;
  runtimeId: string;
  provider: string;
  createdAt: Date;
  task?: string;
  cwd?: string;
}

const TASK_SUMMARY_CHARS = 300;

export function taskSummary(task: string | undefined): string | undefined {
  if (!task) return undefined;
  const oneLine = task.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= TASK_SUMMARY_CHARS) return oneLine;
  // Never cut a surrogate pair in half: encodeURIComponent throws on a lone surrogate.
  const cut = oneLine.slice(0, TASK_SUMMARY_CHARS - 1).replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

export function labelOptions(l: SessionLabels): Record<string, string> {
  return {
    [LABEL.marker]: '1',
    [LABEL.agentId]: l.agentId,
    [LABEL.runtimeId]: l.runtimeId,
    [LABEL.provider]: l.provider,
    [LABEL.createdAt]: l.createdAt.toISOString(),
    [LABEL.task]: encodeURIComponent(taskSummary(l.task) ?? ''),
    [LABEL.cwd]: encodeURIComponent(l.cwd ?? ''),
  };
}

/** Fields for list-sessions, in the order `parseSessionRow` reads them. */
export const SESSION_FIELDS = [
  'session_name',
  LABEL.marker,
  LABEL.agentId,
  LABEL.runtimeId,
  LABEL.provider,
  LABEL.createdAt,
  LABEL.task,
  LABEL.cwd,
  'pane_dead',
  'pane_dead_status',
  'window_activity',
] as const;

export interface SessionRow {
  sessionName: string;
  labels: SessionLabels;
  paneDead: boolean;
  paneDeadStatus?: number;
  activity?: Date;
}

function decode(s: string | undefined): string | undefined {
  if (!s) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A row of list-sessions output, or undefined for sessions that are not our agents. */
export function parseSessionRow(row: readonly string[]): SessionRow | undefined {
  const [name, marker, agentId, runtimeId, provider, createdAt, task, cwd, dead, deadStatus, activity] = row;
  if (marker !== '1' || !agentId || !name) return undefined;
  const created = new Date(createdAt ?? '');
  return {
    sessionName: name,
    labels: {
      agentId,
      runtimeId: runtimeId ?? '',
      provider: provider ?? 'unknown',
      createdAt: Number.isNaN(created.getTime()) ? new Date(0) : created,
      task: decode(task),
      cwd: decode(cwd),
    },
    paneDead: dead === '1',
    paneDeadStatus: deadStatus ? Number(deadStatus) : undefined,
    activity: activity ? new Date(Number(activity) * 1000) : undefined,
  };
}
