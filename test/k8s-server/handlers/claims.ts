// PersistentVolumeClaims backed by Docker named volumes: bound at once (a provisioner
// with Immediate binding), protected while a pod uses them (the pvc-protection finalizer).
import { randomUUID } from 'node:crypto';
import type { ServerContext } from '../context.ts';
import { kubeTime } from '../docker/podStatus.ts';
import { parseQuantity } from '../quantity.ts';
import { alreadyExists, badRequest, invalid, notFound, type FieldError } from '../status.ts';
import type { KubeObject } from '../types.ts';
import { metadataErrors } from '../validation.ts';
import { checkNamespaceWritable } from './namespaces.ts';

interface ClaimSpec {
  accessModes?: string[];
  resources?: { requests?: Record<string, string> };
  storageClassName?: string;
  volumeMode?: string;
  volumeName?: string;
}

const PROTECTION = 'kubernetes.io/pvc-protection';

function claimErrors(spec: ClaimSpec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec?.accessModes?.length) errs.push({ field: 'spec.accessModes', type: 'FieldValueRequired', detail: 'Required value: at least 1 access mode is required' });
  const storage = spec?.resources?.requests?.storage;
  if (storage === undefined) errs.push({ field: 'spec.resources[storage]', type: 'FieldValueRequired', detail: 'Required value' });
  else if (parseQuantity(storage) === undefined) errs.push({ field: 'spec.resources[storage]', type: 'FieldValueInvalid', detail: `Invalid value: "${storage}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'` });
  return errs;
}

export async function createClaim(ctx: ServerContext, namespace: string, body: unknown, dryRun: boolean): Promise<KubeObject> {
  const obj = body as (KubeObject & { spec?: ClaimSpec }) | undefined;
  if (!obj || typeof obj.metadata !== 'object' || obj.metadata === null) throw badRequest('the body of the request must be a PersistentVolumeClaim object');
  if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = obj.metadata.name ?? '';
  const errors = [...metadataErrors(obj, 'subdomain'), ...claimErrors(obj.spec)];
  if (errors.length) throw invalid('PersistentVolumeClaim', name, errors);
  checkNamespaceWritable(ctx, namespace, 'persistentvolumeclaims', name);
  if (ctx.store.get('persistentvolumeclaims', namespace, name)) throw alreadyExists('persistentvolumeclaims', name);
  const uid = randomUUID();
  const spec: ClaimSpec = { storageClassName: 'standard', volumeMode: 'Filesystem', ...obj.spec, volumeName: `pvc-${uid}` };
  const claim: KubeObject = {
    metadata: { ...obj.metadata, namespace, uid, finalizers: [PROTECTION] },
    spec,
    status: { phase: 'Bound', accessModes: spec.accessModes, capacity: { storage: spec.resources?.requests?.storage } },
  };
  if (dryRun) return claim;
  // The Docker volume exists before the claim is visible, so no pod can mount a volume
  // that Docker would otherwise create unlabelled on the fly.
  await ctx.volumes.createClaimVolume(namespace, uid);
  const stored = ctx.store.create('persistentvolumeclaims', claim);
  ctx.kubelet.claimCreated(namespace);
  return stored;
}

export async function deleteClaimNow(ctx: ServerContext, claim: KubeObject): Promise<void> {
  await ctx.volumes.remove(ctx.volumes.claimVolumeName(claim.metadata.uid ?? ''));
  ctx.store.delete('persistentvolumeclaims', claim.metadata.namespace, claim.metadata.name ?? '');
}

export async function deleteClaim(ctx: ServerContext, namespace: string, name: string): Promise<KubeObject> {
  const claim = ctx.store.get('persistentvolumeclaims', namespace, name);
  if (!claim) throw notFound('persistentvolumeclaims', name);
  if (!claim.metadata.deletionTimestamp) {
    claim.metadata.deletionTimestamp = kubeTime();
    claim.metadata.deletionGracePeriodSeconds = 0;
  }
  if (ctx.kubelet.claimInUse(namespace, name)) return ctx.store.update('persistentvolumeclaims', claim);
  await deleteClaimNow(ctx, claim);
  return claim;
}

/** Completes deletions that waited for the last pod using the claim. */
export async function finalizeClaims(ctx: ServerContext, namespace: string): Promise<void> {
  for (const claim of ctx.store.list('persistentvolumeclaims', namespace)) {
    if (claim.metadata.deletionTimestamp && !ctx.kubelet.claimInUse(namespace, claim.metadata.name ?? '')) await deleteClaimNow(ctx, claim);
  }
}
