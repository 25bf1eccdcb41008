// ResourceQuotas are set by the test (as a cluster admin would) and read by clients;
// their status.used follows the pods of the namespace.
import type { ServerContext } from '../context.ts';
import { parseQuantity } from '../quantity.ts';
import { namespaceUsage, quotaStatus, type ResourceQuota } from '../quota.ts';
import type { Pod } from '../types.ts';
import { ensureNamespace } from './namespaces.ts';

/**
 * Creates, replaces or (hard = null) removes the quota `name` in `namespace`; creates
 * the namespace if needed, as an admin sets quotas on namespaces they own.
 */
export function setQuota(ctx: ServerContext, namespace: string, hard: Record<string, string> | null, name = 'compute-resources'): void {
  const existing = ctx.store.get<ResourceQuota>('resourcequotas', namespace, name);
  if (hard === null) {
    if (existing) ctx.store.delete('resourcequotas', namespace, name);
    return;
  }
  for (const [resource, value] of Object.entries(hard)) {
    if (parseQuantity(value) === undefined) throw new Error(`quota ${resource}: "${value}" is not a quantity`);
  }
  ensureNamespace(ctx, namespace);
  const status = quotaStatus(hard, namespaceUsage(ctx.store.list<Pod>('pods', namespace)));
  if (existing) {
    ctx.store.update('resourcequotas', { ...existing, spec: { hard: { ...hard } }, status });
  } else {
    ctx.store.create('resourcequotas', { metadata: { name, namespace }, spec: { hard: { ...hard } }, status });
  }
}

/** Recomputes status.used of every quota in the namespace, writing only real changes. */
export function refreshQuotaUsage(ctx: ServerContext, namespace: string): void {
  const quotas = ctx.store.list<ResourceQuota>('resourcequotas', namespace);
  if (!quotas.length) return;
  const usage = namespaceUsage(ctx.store.list<Pod>('pods', namespace));
  for (const quota of quotas) {
    const status = quotaStatus(quota.spec.hard, usage);
    if (JSON.stringify(status) !== JSON.stringify(quota.status)) ctx.store.update('resourcequotas', { ...quota, status });
  }
}
