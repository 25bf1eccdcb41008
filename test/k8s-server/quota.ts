// ResourceQuota: the objects (spec.hard, status.used) and the admission check the real
// quota admission plugin applies to a new pod, with its exact refusal messages.
import { formatResource, parseQuantity } from './quantity.ts';
import { forbidden, type ApiError } from './status.ts';
import type { KubeObject, Pod } from './types.ts';

export interface ResourceQuota extends KubeObject {
  spec: { hard: Record<string, string> };
  status: { hard: Record<string, string>; used: Record<string, string> };
}

type Usage = Map<string, number>;

/** A pod stops counting against quota once it reaches a terminal phase. */
export function countsAgainstQuota(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

function sum(pod: Pod, kind: 'limits' | 'requests', resource: string): number | undefined {
  let total: number | undefined;
  for (const c of pod.spec.containers) {
    const q = c.resources?.[kind]?.[resource];
    if (q === undefined) continue;
    total = (total ?? 0) + (parseQuantity(q) ?? 0);
  }
  return total;
}

/** What one pod charges, under the resource names quotas use. */
export function podUsage(pod: Pod): Usage {
  const usage: Usage = new Map([['pods', 1], ['count/pods', 1]]);
  for (const resource of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = sum(pod, 'requests', resource);
    if (req !== undefined) {
      usage.set(`requests.${resource}`, req);
      usage.set(resource, req);
    }
    const lim = sum(pod, 'limits', resource);
    if (lim !== undefined) usage.set(`limits.${resource}`, lim);
  }
  return usage;
}

function addUsage(into: Usage, more: Usage): void {
  for (const [k, v] of more) into.set(k, (into.get(k) ?? 0) + v);
}

export function namespaceUsage(pods: Pod[]): Usage {
  const total: Usage = new Map();
  for (const pod of pods) if (countsAgainstQuota(pod)) addUsage(total, podUsage(pod));
  return total;
}

export function quotaStatus(hard: Record<string, string>, usage: Usage): ResourceQuota['status'] {
  const used: Record<string, string> = {};
  for (const key of Object.keys(hard)) used[key] = formatResource(key, usage.get(key) ?? 0);
  return { hard: { ...hard }, used };
}

function prettyPrint(resources: string[], values: (r: string) => number): string {
  return [...resources].sort().map((r) => `${r}=${formatResource(r, values(r))}`).join(',');
}

/** Resources whose quota requires every container to declare them. */
const MUST_SPECIFY: Record<string, { kind: 'limits' | 'requests'; resource: string }> = {
  'limits.cpu': { kind: 'limits', resource: 'cpu' },
  'limits.memory': { kind: 'limits', resource: 'memory' },
  'requests.cpu': { kind: 'requests', resource: 'cpu' },
  'requests.memory': { kind: 'requests', resource: 'memory' },
  cpu: { kind: 'requests', resource: 'cpu' },
  memory: { kind: 'requests', resource: 'memory' },
};

/**
 * The quota admission decision for `pod` entering a namespace with `quotas`, given the
 * pods already there. Returns the 403 the real plugin returns, or undefined to admit.
 */
export function checkQuota(pod: Pod, quotas: ResourceQuota[], existing: Pod[]): ApiError | undefined {
  const name = pod.metadata.name ?? '';
  const requested = podUsage(pod);
  const used = namespaceUsage(existing);
  for (const quota of [...quotas].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    const hard = quota.spec.hard;
    const missing: string[] = [];
    for (const key of Object.keys(hard).sort()) {
      const need = MUST_SPECIFY[key];
      if (!need) continue;
      const without = pod.spec.containers.filter((c) => c.resources?.[need.kind]?.[need.resource] === undefined).map((c) => c.name).sort();
      if (without.length) missing.push(`${key} for: ${without.join(',')}`);
    }
    if (missing.length) return forbidden('pods', name, `failed quota: ${quota.metadata.name}: must specify ${missing.join('; ')}`);
    const exceeded: string[] = [];
    for (const [key, limitText] of Object.entries(hard)) {
      const delta = requested.get(key);
      if (delta === undefined) continue;
      const limit = parseQuantity(limitText) ?? 0;
      if ((used.get(key) ?? 0) + delta > limit + 1e-9) exceeded.push(key);
    }
    if (exceeded.length) {
      return forbidden(
        'pods',
        name,
        `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(exceeded, (r) => requested.get(r) ?? 0)}, used: ${prettyPrint(exceeded, (r) => used.get(r) ?? 0)}, limited: ${prettyPrint(exceeded, (r) => parseQuantity(hard[r]) ?? 0)}`,
      );
    }
  }
  return undefined;
}
