// Filling a runtime with N agents at once (the 50-agent concurrent spawn is one of these)
// and killing them all again, counting failures and what is left afterwards.
import { performance } from 'node:perf_hooks';
import { errorMessage } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import type { AgentKind, BenchRuntime } from '../env/types';
import { mapSettled } from '../measure';
import { Trace, traced } from '../trace';

export interface Population {
  env: BenchRuntime;
  handles: AgentHandle[];
  failures: string[];
  /** Until the last spawn settled. */
  spawnMs: number;
  traces: Trace[];
  /** Agents whose fake CLI recorded its task (fake agents only). */
  delivered: number;
}

export function concurrencyFor(env: BenchRuntime, count: number): number {
  // The Kubernetes test server runs pods as containers through one Docker client: fill it
  // twenty at a time. Docker, local and SSH get all N at once.
  return env.name === 'k8s' ? Math.min(20, count) : count;
}

export async function populate(env: BenchRuntime, count: number, kind: AgentKind, tag: string): Promise<Population> {
  const ids = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  const taskOf = (id: string) => `bench task for ${id}`;
  const traces: Trace[] = [];
  const t0 = performance.now();
  const settled = await mapSettled(ids, concurrencyFor(env, count), (id) => {
    const t = new Trace();
    traces.push(t);
    return traced(t, () => env.runtime.spawnAgent(env.config(id, kind, kind === 'fake' ? taskOf(id) : undefined)));
  });
  const spawnMs = performance.now() - t0;
  const handles = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failures = settled.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason).split('\n')[0]!] : []));
  let delivered = 0;
  if (kind === 'fake') {
    const ok = await mapSettled(handles, 10, (h) => env.delivered(h, taskOf(h.agentId)));
    delivered = ok.filter((r) => r.status === 'fulfilled' && r.value).length;
  }
  return { env, handles, failures, spawnMs, traces, delivered };
}

export interface Depopulation {
  killMs: number;
  killFailures: string[];
  /** Agents with something left 10 s after their kill returned. */
  left: number;
}

export async function depopulate(p: Population): Promise<Depopulation> {
  const checks = await mapSettled(p.handles, 10, (h) => p.env.goneCheck(h));
  const t0 = performance.now();
  const killed = await mapSettled(p.handles, concurrencyFor(p.env, p.handles.length), (h) => p.env.runtime.killAgent(h));
  const killMs = performance.now() - t0;
  const deadline = Date.now() + 10_000;
  let left = 0;
  for (const c of checks) {
    if (c.status !== 'fulfilled') continue;
    let gone = await c.value().catch(() => false);
    while (!gone && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      gone = await c.value().catch(() => false);
    }
    if (!gone) left++;
  }
  const killFailures = killed.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason).split('\n')[0]!] : []));
  return { killMs, killFailures, left };
}
