// From a labelled container (one row of the label-filtered container list) and, for a
// running one, what its tmux server says, to the agent the tree shows. Pure.
import type { AgentHandle, AgentInfo, AgentStatus } from '../../core/types';
import { LABEL } from './containerSpec';

/** What `tmux list-sessions` in the container said about the agent's session. */
export type SessionProbe =
  | { kind: 'alive' }
  | { kind: 'dead'; exitStatus?: number }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/** Only what we read of the Engine's container summary. */
export interface ContainerRow {
  Id: string;
  Names?: string[];
  State: string;
  Status?: string;
  Labels?: Record<string, string>;
}

export interface StatusDecision {
  status: AgentStatus;
  reason: string;
  /** The container runs without the agent's tmux session, and no relaunch is coming. */
  sessionMissing?: boolean;
}

export function containerDisplayName(row: ContainerRow): string {
  return row.Names?.[0]?.replace(/^\//, '') ?? row.Id.slice(0, 12);
}

/** Container states the Engine reports: created, restarting, running, removing, paused, exited, dead. */
export function statusFromContainer(row: ContainerRow, probe?: SessionProbe): StatusDecision {
  const detail = row.Status ? ` (${row.Status})` : '';
  switch (row.State) {
    case 'created':
      return { status: 'starting', reason: 'the container is being set up' };
    case 'restarting':
      return { status: 'starting', reason: `Docker is restarting the container${detail}` };
    case 'running':
      if (!probe) return { status: 'running', reason: 'the container is running' };
      switch (probe.kind) {
        case 'alive':
          return { status: 'running', reason: 'the tmux pane is alive' };
        case 'dead':
          return { status: 'exited', reason: `the agent process exited with status ${probe.exitStatus ?? '?'}` };
        case 'missing':
          return { status: 'starting', reason: 'the container is running but its tmux session is not there yet' };
        case 'error':
          return { status: 'unknown', reason: `could not ask tmux in the container: ${probe.message}` };
      }
      break;
    case 'paused':
      return { status: 'stopped', reason: 'the container is paused' };
    case 'exited':
      return { status: 'stopped', reason: `the container is stopped${detail}` };
    case 'removing':
      return { status: 'stopped', reason: 'the container is being removed' };
    case 'dead':
      return { status: 'failed', reason: `Docker could not stop or remove the container${detail}` };
  }
  return { status: 'unknown', reason: `unknown container state "${row.State}"` };
}

export function handleFromContainer(row: ContainerRow, runtimeType: string, runtimeId: string): AgentHandle | undefined {
  const l = row.Labels ?? {};
  const agentId = l[LABEL.agentId];
  const sessionName = l[LABEL.sessionName];
  if (!agentId || !sessionName) return undefined;
  const data: Record<string, string> = { containerId: row.Id, containerName: containerDisplayName(row) };
  if (l[LABEL.user]) data.user = l[LABEL.user];
  return { runtimeType, runtimeId, agentId, sessionName, data };
}

export function agentInfoFromContainer(handle: AgentHandle, row: ContainerRow, decision: StatusDecision): AgentInfo {
  const l = row.Labels ?? {};
  const created = new Date(l[LABEL.createdAt] ?? '');
  return {
    handle,
    status: decision.status,
    statusReason: decision.reason,
    createdAt: Number.isNaN(created.getTime()) ? undefined : created,
    provider: l[LABEL.provider] || 'unknown',
    taskSummary: l[LABEL.task] || undefined,
    workingDirectory: l[LABEL.workspace] || undefined,
    ...(decision.sessionMissing ? { sessionMissing: true } : {}),
  };
}
