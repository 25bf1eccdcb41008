// Namespaces: create (which a test can make RBAC-forbidden), delete with the real
// two-step lifecycle (Terminating while its pods stop, then gone), and the built-ins.
import type { ServerContext } from '../context.ts';
import { kubeTime } from '../docker/podStatus.ts';
import { alreadyExists, ApiError, badRequest, failureStatus, forbidden, invalid, notFound } from '../status.ts';
import type { KubeObject, Pod } from '../types.ts';
import { metadataErrors } from '../validation.ts';
import { deleteClaimNow } from './claims.ts';

export const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

function namespaceObject(name: string, labels: Record<string, string> = {}, extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    metadata: { ...extra, name, labels: { ...labels, 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function ensureNamespace(ctx: ServerContext, name: string): void {
  if (!ctx.store.get('namespaces', undefined, name)) ctx.store.create('namespaces', namespaceObject(name));
}

export function createNamespace(ctx: ServerContext, body: unknown, dryRun: boolean): KubeObject {
  if (ctx.settings.namespaceCreateForbidden) {
    throw forbidden('namespaces', '', `User "${ctx.settings.userName}" cannot create resource "namespaces" in API group "" at the cluster scope`);
  }
  const obj = body as KubeObject | undefined;
  if (!obj || typeof obj !== 'object' || typeof obj.metadata !== 'object' || obj.metadata === null) {
    throw badRequest('the body of the request must be a Namespace object');
  }
  if (obj.kind && obj.kind !== 'Namespace') throw badRequest(`Namespace in version "v1" cannot be handled as a ${obj.kind}`);
  const name = obj.metadata.name ?? '';
  const errors = metadataErrors(obj, 'label');
  if (errors.length) throw invalid('Namespace', name, errors);
  if (ctx.store.get('namespaces', undefined, name)) throw alreadyExists('namespaces', name);
  const { uid: _uid, resourceVersion: _rv, creationTimestamp: _ts, ...meta } = obj.metadata;
  const ns = namespaceObject(name, obj.metadata.labels ?? {}, meta);
  return dryRun ? ns : ctx.store.create('namespaces', ns);
}

/** Starts deleting a namespace: Terminating now, gone once its pods are (see finalize). */
export function deleteNamespace(ctx: ServerContext, name: string): KubeObject {
  const ns = ctx.store.get('namespaces', undefined, name);
  if (!ns) throw notFound('namespaces', name);
  if (BUILTIN_NAMESPACES.includes(name)) throw forbidden('namespaces', name, 'this namespace may not be deleted');
  if (ns.metadata.deletionTimestamp) return ns;
  ns.metadata.deletionTimestamp = kubeTime();
  ns.status = { phase: 'Terminating' };
  const updated = ctx.store.update('namespaces', ns);
  for (const pod of ctx.store.list<Pod>('pods', name)) {
    if (!pod.metadata.deletionTimestamp) ctx.kubelet.delete(pod, pod.spec.terminationGracePeriodSeconds ?? 30);
  }
  finalizeNamespace(ctx, name).catch((err: unknown) => ctx.log(`namespace ${name} finalization: ${(err as Error).message}`));
  return updated;
}

/** Removes a Terminating namespace and what is left in it once no pod remains. */
export async function finalizeNamespace(ctx: ServerContext, name: string): Promise<void> {
  const ns = ctx.store.get('namespaces', undefined, name);
  if (!ns?.metadata.deletionTimestamp || ctx.store.list('pods', name).length > 0) return;
  for (const claim of ctx.store.list('persistentvolumeclaims', name)) await deleteClaimNow(ctx, claim);
  for (const resource of ['events', 'resourcequotas']) {
    for (const obj of ctx.store.list(resource, name)) ctx.store.delete(resource, name, obj.metadata.name ?? '');
  }
  if (ctx.store.get('namespaces', undefined, name)) ctx.store.delete('namespaces', undefined, name);
}

/** Refusal for content created in a namespace that is missing or being deleted. */
export function checkNamespaceWritable(ctx: ServerContext, namespace: string, resource: string, name: string): void {
  const ns = ctx.store.get('namespaces', undefined, namespace);
  if (!ns) throw notFound('namespaces', namespace);
  if (ns.metadata.deletionTimestamp) {
    throw new ApiError(
      failureStatus(403, 'Forbidden', `${resource} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        name,
        kind: resource,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
      }),
    );
  }
}
