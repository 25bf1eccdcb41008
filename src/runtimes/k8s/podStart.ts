// Waiting for a new pod to run (bounded, on its status, never a fixed sleep), and what a
// spawn tells the user when it does not: the pod's own events and its last log lines.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { pollUntil } from '../../core/async';
import { errorMessage } from '../../core/errors';
import { whereOf, type K8sClients } from './k8sClient';
import { apiStatusOf, httpStatusOf, k8sApiError, podNeverRan } from './k8sErrors';
import { CONTAINER_NAME } from './podSpec';
import { podStartVerdict, statusFromPod } from './podStatus';

const LOG_TAIL_LINES = 20;
const MAX_EVENTS = 15;

export async function readPod(c: K8sClients, namespace: string, name: string): Promise<V1Pod | undefined> {
  try {
    return await c.core.readNamespacedPod({ name, namespace });
  } catch (e) {
    if (httpStatusOf(e) === 404) return undefined;
    throw k8sApiError(e, `Reading pod ${name}`, whereOf(c, namespace));
  }
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as Date | string).getTime() : 0;
}

/** The pod's events, oldest first, as `Warning Failed: message` lines. */
export async function podEvents(c: K8sClients, namespace: string, name: string): Promise<string[]> {
  try {
    const list = await c.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` });
    return list.items
      .sort((a, b) => eventTime(a) - eventTime(b))
      .slice(-MAX_EVENTS)
      .map((e) => `  ${e.type ?? 'Normal'} ${e.reason ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`);
  } catch (e) {
    return [`  (could not read the pod's events: ${apiStatusOf(e)?.message ?? errorMessage(e)})`];
  }
}

export async function podLogTail(c: K8sClients, namespace: string, name: string, lines = LOG_TAIL_LINES): Promise<string> {
  try {
    return await c.core.readNamespacedPodLog({ name, namespace, container: CONTAINER_NAME, tailLines: lines });
  } catch (e) {
    return `(no log: ${apiStatusOf(e)?.message ?? errorMessage(e)})`;
  }
}

export interface WaitForPodOptions {
  namespace: string;
  name: string;
  image: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Resolves once the pod's agent container runs. Rejects as soon as the pod cannot run
 * (image not pullable, config error, failed) or at the deadline, with its events and logs.
 */
export async function waitForPodRunning(c: K8sClients, o: WaitForPodOptions): Promise<V1Pod> {
  let last: V1Pod | undefined;
  let failure: { reason: string; imageProblem: boolean } | undefined;
  const pod = await pollUntil(
    async () => {
      o.signal?.throwIfAborted();
      last = await readPod(c, o.namespace, o.name);
      if (!last) {
        failure = { reason: 'the pod disappeared (deleted by someone else, or evicted)', imageProblem: false };
        return null;
      }
      const v = podStartVerdict(last);
      if (v.kind === 'running') return last;
      if (v.kind === 'failed') {
        failure = { reason: v.reason, imageProblem: v.imageProblem };
        return null;
      }
      return undefined;
    },
    { timeoutMs: o.timeoutMs, intervalMs: 50, maxIntervalMs: 500, signal: o.signal },
  );
  if (pod) return pod;
  const timedOut = !failure;
  const reason = failure?.reason ?? (last ? statusFromPod(last).reason : 'the pod was never seen') + ` (waited ${Math.round(o.timeoutMs / 1000)} s)`;
  throw podNeverRan({
    pod: o.name,
    namespace: o.namespace,
    context: whereOf(c, o.namespace).context,
    reason,
    timedOut,
    imageProblem: failure?.imageProblem ?? false,
    image: o.image,
    events: await podEvents(c, o.namespace, o.name),
    logTail: await podLogTail(c, o.namespace, o.name),
  });
}
