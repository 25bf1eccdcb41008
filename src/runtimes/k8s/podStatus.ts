// From a labelled pod (one item of the label-selected list) and, for a running one, what
// its tmux server says, to the agent the tree shows; and the spawn's verdict on a pod that
// is starting. Pure.
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { AgentHandle, AgentInfo, AgentStatus } from '../../core/types';
import { WORKSPACE_DIR } from '../docker/containerSpec';
import { ANNOTATION, LABEL } from './labels';
import { CONTAINER_NAME } from './podSpec';

/** What `tmux list-sessions` in the pod said about the agent's session. */
export type SessionProbe =
  | { kind: 'alive' }
  | { kind: 'dead'; exitStatus?: number }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

export interface StatusDecision {
  status: AgentStatus;
  reason: string;
  /** The pod runs without the agent's tmux session (nothing relaunches it): an orphan. */
  sessionMissing?: boolean;
}

/** Waiting reasons after which the container will not start without someone changing something. */
const IMAGE_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName', 'ImageInspectError', 'RegistryUnavailable']);
const CONFIG_REASONS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'StartError']);

/** A session that has been missing this long in a running pod is gone, not still being set up. */
export const SESSION_SETUP_GRACE_MS = 30_000;

export function agentContainerStatus(pod: V1Pod): V1ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((s) => s.name === CONTAINER_NAME) ?? pod.status?.containerStatuses?.[0];
}

function detail(reason?: string, message?: string): string {
  return [reason, message].filter(Boolean).join(': ');
}

function unschedulable(pod: V1Pod): string | undefined {
  const c = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return c && c.status === 'False' ? detail(c.reason, c.message) || 'not scheduled' : undefined;
}

function terminatedReason(s: V1ContainerStatus | undefined): string {
  const t = s?.state?.terminated;
  if (!t) return 'its container is not running';
  if (t.reason === 'OOMKilled') return 'its container was killed for using more memory than its limit (OOMKilled)';
  return `its container exited with status ${t.exitCode}${t.reason ? ` (${detail(t.reason, t.message)})` : ''}`;
}

function toDate(v: Date | string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Pod phase and container state (and, for a running pod, the tmux probe) to a status. */
export function statusFromPod(pod: V1Pod, probe?: SessionProbe, now: number = Date.now()): StatusDecision {
  if (pod.metadata?.deletionTimestamp) return { status: 'stopped', reason: 'the pod is being deleted' };
  const cs = agentContainerStatus(pod);
  const waiting = cs?.state?.waiting;
  switch (pod.status?.phase) {
    case 'Pending': {
      if (waiting?.reason && IMAGE_REASONS.has(waiting.reason)) {
        return { status: 'failed', reason: `the image cannot be pulled (${detail(waiting.reason, waiting.message)})` };
      }
      if (waiting?.reason && CONFIG_REASONS.has(waiting.reason)) {
        return { status: 'failed', reason: `the container cannot be started (${detail(waiting.reason, waiting.message)})` };
      }
      const pending = unschedulable(pod);
      if (pending) return { status: 'starting', reason: `waiting for a node: ${pending}` };
      return { status: 'starting', reason: `the pod is starting${waiting?.reason ? ` (${waiting.reason})` : ''}` };
    }
    case 'Running': {
      if (!cs?.state?.running) return { status: 'failed', reason: `the pod runs but ${terminatedReason(cs)}` };
      if (!probe) return { status: 'running', reason: 'the pod is running' };
      switch (probe.kind) {
        case 'alive':
          return { status: 'running', reason: 'the tmux pane is alive' };
        case 'dead':
          return { status: 'exited', reason: `the agent process exited with status ${probe.exitStatus ?? '?'}` };
        case 'missing': {
          const started = toDate(cs.state.running.startedAt)?.getTime();
          if (started !== undefined && now - started < SESSION_SETUP_GRACE_MS) {
            return { status: 'starting', reason: 'the pod is running; its tmux session is being set up' };
          }
          return { status: 'exited', reason: 'the pod is running but its tmux session is gone', sessionMissing: true };
        }
        case 'error':
          return { status: 'unknown', reason: `could not ask tmux in the pod: ${probe.message}` };
      }
      break;
    }
    case 'Succeeded':
      return { status: 'stopped', reason: `the pod has stopped: ${terminatedReason(cs)}` };
    case 'Failed': {
      if (pod.status?.reason) return { status: 'failed', reason: `the pod failed: ${detail(pod.status.reason, pod.status.message)}` };
      return { status: 'failed', reason: `the pod failed: ${terminatedReason(cs)}` };
    }
    case 'Unknown':
      return { status: 'unknown', reason: 'the node running the pod stopped reporting its state' };
  }
  return { status: 'unknown', reason: `unknown pod phase "${pod.status?.phase ?? ''}"` };
}

export function isPodRunning(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !!agentContainerStatus(pod)?.state?.running && !pod.metadata?.deletionTimestamp;
}

/** Handle of the agent in a pod this runtime created; undefined for pods that are not (whole) agents. */
export function handleFromPod(pod: V1Pod, runtimeType: string, runtimeId: string, context: string): AgentHandle | undefined {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const agentId = labels[LABEL.agentId];
  const sessionName = annotations[ANNOTATION.sessionName];
  const name = pod.metadata?.name;
  const namespace = pod.metadata?.namespace;
  // The exact id guards against a label value shared by two sanitised runtime ids.
  if (!agentId || !sessionName || !name || !namespace || annotations[ANNOTATION.runtimeId] !== runtimeId) return undefined;
  const data: Record<string, string> = { namespace, pod: name, container: CONTAINER_NAME, context };
  const claim = pod.spec?.volumes?.find((v) => v.name === 'workspace')?.persistentVolumeClaim?.claimName;
  if (claim) data.claim = claim;
  return { runtimeType, runtimeId, agentId, sessionName, data };
}

export function agentInfoFromPod(handle: AgentHandle, pod: V1Pod, decision: StatusDecision): AgentInfo {
  const labels = pod.metadata?.labels ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  return {
    handle,
    status: decision.status,
    statusReason: decision.reason,
    createdAt: toDate(annotations[ANNOTATION.createdAt]) ?? toDate(pod.metadata?.creationTimestamp),
    provider: labels[LABEL.provider] || 'unknown',
    taskSummary: annotations[ANNOTATION.task] || undefined,
    workingDirectory: `${WORKSPACE_DIR} (pod ${handle.data.pod})`,
    ...(decision.sessionMissing ? { sessionMissing: true } : {}),
  };
}

/** How a spawn judges a starting pod. */
export type StartVerdict =
  | { kind: 'running' }
  | { kind: 'waiting'; reason: string }
  | { kind: 'failed'; imageProblem: boolean; reason: string };

export function podStartVerdict(pod: V1Pod): StartVerdict {
  if (isPodRunning(pod)) return { kind: 'running' };
  const decision = statusFromPod(pod);
  const waiting = agentContainerStatus(pod)?.state?.waiting;
  if (decision.status === 'failed' || decision.status === 'stopped' || pod.metadata?.deletionTimestamp) {
    return { kind: 'failed', imageProblem: !!waiting?.reason && IMAGE_REASONS.has(waiting.reason), reason: decision.reason };
  }
  return { kind: 'waiting', reason: decision.reason };
}
