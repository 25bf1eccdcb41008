// Docker container state -> Kubernetes container statuses, pod phase and conditions,
// following the kubelet's rules for the restart policy.
import type Docker from 'dockerode';
import type { ContainerSpec, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../types.ts';

/** RFC 3339 with whole seconds, as the API server serialises metav1.Time. */
export function kubeTime(date: Date | string = new Date()): string {
  return new Date(date).toISOString().replace(/\.\d+Z$/, 'Z');
}

/** What the kubelet knows about one container beyond Docker's state. */
export interface ContainerRecord {
  spec: ContainerSpec;
  /** Set while the container could not be created (image missing, config error). */
  waiting?: { reason: string; message?: string };
  /** Set when Docker created the container but could not start it. */
  startError?: string;
  info?: Docker.ContainerInspectInfo;
  /** Set when the Docker container disappeared behind the server's back. */
  vanished?: boolean;
}

function terminatedState(info: Docker.ContainerInspectInfo, startError?: string): ContainerState {
  const exitCode = info.State.ExitCode;
  let reason = exitCode === 0 ? 'Completed' : 'Error';
  if (info.State.OOMKilled) reason = 'OOMKilled';
  if (startError) reason = 'StartError';
  const terminated: NonNullable<ContainerState['terminated']> = {
    exitCode: startError ? 128 : exitCode,
    reason,
    startedAt: kubeTime(info.State.StartedAt.startsWith('0001') ? info.Created : info.State.StartedAt),
    finishedAt: kubeTime(info.State.FinishedAt.startsWith('0001') ? new Date() : info.State.FinishedAt),
    containerID: `docker://${info.Id}`,
  };
  if (startError) terminated.message = startError;
  return { terminated };
}

export function containerStatus(record: ContainerRecord): ContainerStatus {
  const { spec, info } = record;
  const base = { name: spec.name, image: spec.image ?? '', imageID: '', restartCount: 0, lastState: {} };
  if (!info) {
    return { ...base, ready: false, started: false, state: { waiting: record.waiting ?? { reason: 'ContainerCreating' } } };
  }
  if (record.vanished) {
    const terminated = {
      exitCode: 137,
      reason: 'ContainerStatusUnknown',
      message: 'The container could not be located when the pod was terminated',
    };
    return { ...base, ready: false, started: false, state: { terminated } };
  }
  const ids = { imageID: `docker://${info.Image}`, containerID: `docker://${info.Id}`, restartCount: info.RestartCount };
  if (info.State.Running && !info.State.Restarting) {
    return { ...base, ...ids, ready: true, started: true, state: { running: { startedAt: kubeTime(info.State.StartedAt) } } };
  }
  if (info.State.Restarting) {
    // Docker is backing off before the next restart: the kubelet calls that CrashLoopBackOff.
    return {
      ...base,
      ...ids,
      ready: false,
      started: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${spec.name}` } },
      lastState: terminatedState(info),
    };
  }
  if (info.State.Status === 'created' && !record.startError) {
    return { ...base, ...ids, ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } } };
  }
  return { ...base, ...ids, ready: false, started: false, state: terminatedState(info, record.startError) };
}

export function podPhase(pod: Pod, statuses: ContainerStatus[]): PodStatus['phase'] {
  const policy = pod.spec.restartPolicy ?? 'Always';
  const running = statuses.filter((s) => s.state.running).length;
  const terminated = statuses.filter((s) => s.state.terminated);
  const everStarted = statuses.some((s) => s.state.running || s.state.terminated || s.restartCount > 0);
  if (running > 0) return 'Running';
  if (terminated.length === statuses.length && statuses.length > 0) {
    const failed = terminated.some((s) => s.state.terminated!.exitCode !== 0);
    if (policy === 'Never') return failed ? 'Failed' : 'Succeeded';
    if (policy === 'OnFailure' && !failed) return 'Succeeded';
    return 'Running';
  }
  return everStarted ? 'Running' : 'Pending';
}

function condition(type: string, ok: boolean, previous: PodCondition[] | undefined, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  const c: PodCondition = {
    type,
    status,
    lastProbeTime: null,
    // Only a change of status moves the transition time, as the kubelet does.
    lastTransitionTime: before && before.status === status ? before.lastTransitionTime : kubeTime(),
  };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

export function podConditions(phase: PodStatus['phase'], statuses: ContainerStatus[], previous: PodCondition[] | undefined): PodCondition[] {
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const allReady = unready.length === 0 && statuses.length > 0;
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const reason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const message = completed ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  return [
    condition('PodReadyToStartContainers', !completed, previous),
    condition('Initialized', true, previous),
    condition('Ready', allReady, previous, reason, message),
    condition('ContainersReady', allReady, previous, reason, message),
    condition('PodScheduled', true, previous),
  ];
}

export function qosClass(pod: Pod): string {
  const containers = pod.spec.containers;
  const hasAny = containers.some((c) => Object.keys(c.resources?.limits ?? {}).length || Object.keys(c.resources?.requests ?? {}).length);
  if (!hasAny) return 'BestEffort';
  const guaranteed = containers.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? {};
    return ['cpu', 'memory'].every((k) => l[k] !== undefined && (r[k] === undefined || r[k] === l[k]));
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
