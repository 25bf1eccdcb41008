// Deleting an agent's pod and claim, and waiting (bounded, on the API's answers) until they
// are really gone, so "killed" means nothing is left running or holding storage.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { pollUntil } from '../../core/async';
import { TmuxAgentsError } from '../../core/errors';
import { whereOf, type K8sClients } from './k8sClient';
import { httpStatusOf, k8sApiError } from './k8sErrors';
import { readPod } from './podStart';

/** Starts deleting the pod; false when it was already gone. */
export async function deletePod(c: K8sClients, namespace: string, name: string, graceSeconds: number): Promise<boolean> {
  try {
    await c.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: graceSeconds });
    return true;
  } catch (e) {
    if (httpStatusOf(e) === 404) return false;
    throw k8sApiError(e, `Deleting pod ${name}`, whereOf(c, namespace), 'tmux-failed');
  }
}

/** Starts deleting the claim; false when it was already gone. (It goes once no pod uses it.) */
export async function deleteClaim(c: K8sClients, namespace: string, name: string): Promise<boolean> {
  try {
    await c.core.deleteNamespacedPersistentVolumeClaim({ name, namespace });
    return true;
  } catch (e) {
    if (httpStatusOf(e) === 404) return false;
    throw k8sApiError(e, `Deleting volume claim ${name}`, whereOf(c, namespace), 'tmux-failed');
  }
}

export async function readClaim(c: K8sClients, namespace: string, name: string): Promise<V1PersistentVolumeClaim | undefined> {
  try {
    return await c.core.readNamespacedPersistentVolumeClaim({ name, namespace });
  } catch (e) {
    if (httpStatusOf(e) === 404) return undefined;
    throw k8sApiError(e, `Reading volume claim ${name}`, whereOf(c, namespace), 'tmux-failed');
  }
}

async function waitGone(what: string, exists: () => Promise<boolean>, timeoutMs: number, where: string): Promise<void> {
  const gone = await pollUntil(async () => ((await exists()) ? undefined : true), { timeoutMs, intervalMs: 50, maxIntervalMs: 500 });
  if (!gone) {
    throw new TmuxAgentsError('timeout', `${what} ${where} was still there ${Math.round(timeoutMs / 1000)} s after it was deleted.`, 'Its node may be unreachable; check it with kubectl and delete it with --force if needed.');
  }
}

export async function waitPodGone(c: K8sClients, namespace: string, name: string, timeoutMs: number): Promise<void> {
  const w = whereOf(c, namespace);
  await waitGone(`Pod ${name}`, async () => (await readPod(c, namespace, name)) !== undefined, timeoutMs, `in namespace ${namespace} (context "${w.context}")`);
}

export async function waitClaimGone(c: K8sClients, namespace: string, name: string, timeoutMs: number): Promise<void> {
  const w = whereOf(c, namespace);
  await waitGone(`Volume claim ${name}`, async () => (await readClaim(c, namespace, name)) !== undefined, timeoutMs, `in namespace ${namespace} (context "${w.context}")`);
}
