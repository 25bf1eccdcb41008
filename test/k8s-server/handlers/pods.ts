// Pod create (defaulting, validation, quota admission, then the kubelet runs it), delete
// (graceful, through the kubelet) and metadata patches.
import { randomInt } from 'node:crypto';
import type { ServerContext } from '../context.ts';
import { qosClass } from '../docker/podStatus.ts';
import { checkQuota, type ResourceQuota } from '../quota.ts';
import { alreadyExists, badRequest, invalid, notFound } from '../status.ts';
import type { ContainerSpec, KubeObject, Pod } from '../types.ts';
import { metadataErrors, podSpecErrors } from '../validation.ts';
import { checkNamespaceWritable } from './namespaces.ts';
import { refreshQuotaUsage } from './quotas.ts';

// The alphabet the real name generator uses (no vowels, no look-alike digits).
const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += GENERATE_ALPHABET[randomInt(GENERATE_ALPHABET.length)];
  return `${prefix}${suffix}`;
}

function defaultPullPolicy(image: string): string {
  const lastPart = image.split('/').pop() ?? image;
  const tagged = lastPart.includes(':') || image.includes('@');
  return !tagged || lastPart.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: ContainerSpec): ContainerSpec {
  const resources = { ...c.resources };
  // A limit without a request becomes the request too, as the API server defaults it.
  if (resources.limits) resources.requests = { ...resources.limits, ...resources.requests };
  return {
    ...c,
    imagePullPolicy: c.imagePullPolicy ?? defaultPullPolicy(c.image ?? ''),
    resources,
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
  };
}

function defaultPod(pod: Pod, namespace: string): Pod {
  return {
    metadata: { ...pod.metadata, namespace },
    spec: {
      ...pod.spec,
      containers: pod.spec.containers.map(defaultContainer),
      restartPolicy: pod.spec.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: pod.spec.terminationGracePeriodSeconds ?? 30,
      dnsPolicy: pod.spec.dnsPolicy ?? 'ClusterFirst',
      serviceAccountName: pod.spec.serviceAccountName ?? 'default',
      securityContext: pod.spec.securityContext ?? {},
      schedulerName: pod.spec.schedulerName ?? 'default-scheduler',
      enableServiceLinks: pod.spec.enableServiceLinks ?? true,
    },
    // The kubelet's scheduling step sets nodeName, as a real scheduler binds after create.
    status: { phase: 'Pending', qosClass: qosClass(pod) },
  };
}

export function createPod(ctx: ServerContext, namespace: string, body: unknown, dryRun: boolean): Pod {
  const input = body as Pod | undefined;
  if (!input || typeof input.metadata !== 'object' || input.metadata === null) throw badRequest('the body of the request must be a Pod object');
  if (input.kind && input.kind !== 'Pod') throw badRequest(`Pod in version "v1" cannot be handled as a ${input.kind}`);
  if (input.metadata.namespace && input.metadata.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const meta = { ...input.metadata };
  if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
  delete meta.uid;
  delete meta.resourceVersion;
  delete meta.creationTimestamp;
  delete meta.deletionTimestamp;
  const candidate = { ...input, metadata: meta };
  const name = meta.name ?? '';
  const errors = [...metadataErrors(candidate, 'subdomain'), ...podSpecErrors(candidate)];
  if (errors.length) throw invalid('Pod', name, errors);
  checkNamespaceWritable(ctx, namespace, 'pods', name);
  if (ctx.store.get('pods', namespace, name)) throw alreadyExists('pods', name);
  const pod = defaultPod(candidate, namespace);
  const quotaError = checkQuota(pod, ctx.store.list<ResourceQuota>('resourcequotas', namespace), ctx.store.list<Pod>('pods', namespace));
  if (quotaError) throw quotaError;
  if (dryRun) return pod;
  const stored = ctx.store.create('pods', pod);
  // Quota admission charges the pod as it is admitted, not when it starts.
  refreshQuotaUsage(ctx, namespace);
  ctx.kubelet.admit(stored);
  return stored;
}

export function deletePod(ctx: ServerContext, namespace: string, name: string, graceSeconds: number | undefined): Pod {
  const pod = ctx.store.get<Pod>('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  const requested = graceSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  if (pod.metadata.deletionTimestamp) {
    // A second delete may only shorten the grace period; the running stop continues.
    return pod;
  }
  return ctx.kubelet.delete(pod, Math.max(0, requested));
}

/** RFC 7386 JSON merge patch (strategic merge behaves the same on the maps allowed here). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Only labels and annotations may change, as for a running pod on a real server. */
export function patchObject(ctx: ServerContext, resource: 'pods' | 'namespaces', kind: string, namespace: string | undefined, name: string, patch: unknown): KubeObject {
  const current = ctx.store.get(resource, namespace, name);
  if (!current) throw notFound(resource, name);
  if (patch === null || typeof patch !== 'object') throw badRequest('the patch must be a JSON object');
  const patched = mergePatch(current, patch) as KubeObject;
  const { labels, annotations } = patched.metadata ?? {};
  const updated = { ...current, metadata: { ...current.metadata, labels, annotations } };
  if (labels === undefined) delete updated.metadata.labels;
  if (annotations === undefined) delete updated.metadata.annotations;
  const errors = metadataErrors(updated, resource === 'pods' ? 'subdomain' : 'label');
  const specChanged = JSON.stringify(patched.spec) !== JSON.stringify(current.spec);
  if (specChanged && resource === 'pods') {
    errors.push({
      field: 'spec',
      type: 'FieldValueForbidden',
      detail: 'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    });
  }
  if (errors.length) throw invalid(kind, name, errors);
  return ctx.store.update(resource, updated);
}
