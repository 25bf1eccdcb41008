// Idle memory per agent: a few agents of each kind are spawned, left idle, then read from
// the kernel (see memoryProbe.ts). "fake" agents run the Node.js fake CLI, like the real
// CLIs; "minimal" agents run `sh -c "printf …; exec cat"`, so their figure is what the
// runtime itself costs per agent (container init, keep-alive process, tmux server, pane).
import { delay } from '../../../src/core/async';
import { errorMessage } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import type { AgentKind, BenchRuntime, IdleMemory } from '../env/types';
import { mapSettled } from '../measure';
import type { BenchOptions } from '../options';
import { makeRow, type Row } from '../results';
import { summarize } from '../stats';

const IDLE_MS = 3_000;
/** 10 MB, as the issue writes it, in MiB. */
const TEN_MB_IN_MIB = 10e6 / 2 ** 20;

function breakdown(samples: IdleMemory[]): string {
  const names = new Map<string, number[]>();
  for (const s of samples) for (const [k, v] of Object.entries(s.byProcess)) names.set(k, [...(names.get(k) ?? []), v]);
  return [...names.entries()].map(([k, v]) => `${k} ${summarize(v).p50.toFixed(1)}`).join(', ');
}

export async function runMemory(env: BenchRuntime, o: BenchOptions): Promise<Row[]> {
  if (!env.memory) return [];
  const rows: Row[] = [];
  const container = env.name === 'docker' || env.name === 'k8s';
  for (const kind of ['minimal', 'fake'] as AgentKind[]) {
    const ids = Array.from({ length: o.memoryAgents }, (_, i) => `mem-${kind}-${i}`);
    const spawned = await mapSettled(ids, 5, (id) => env.runtime.spawnAgent(env.config(id, kind)));
    const handles = spawned.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = spawned.flatMap((r) => (r.status === 'rejected' ? [errorMessage(r.reason).split('\n')[0]] : []));
    try {
      await delay(IDLE_MS);
      const samples = (await Promise.all(handles.map((h: AgentHandle) => env.memory!(h).catch(() => undefined)))).filter((m): m is IdleMemory => !!m);
      if (!samples.length) continue;
      const total = summarize(samples.map((s) => s.totalMiB));
      const what = container ? 'idle memory per agent container' : 'idle memory per local agent';
      const cg = samples[0]!.cgroup ? `; cgroup usage incl. page cache p50 ${summarize(samples.map((s) => s.cgroup!.usageMiB)).p50.toFixed(1)} MiB, anon p50 ${summarize(samples.map((s) => s.cgroup!.anonMiB)).p50.toFixed(1)} MiB` : '';
      const agent = kind === 'fake' ? `; the agent CLI's own tree (VmRSS) p50 ${summarize(samples.map((s) => s.agentMiB)).p50.toFixed(1)} MiB` : '';
      rows.push(makeRow({
        section: 'memory',
        scenario: `${what}: ${kind === 'fake' ? 'fake agent CLI (Node.js)' : 'runtime only (sh + cat as the agent)'}`,
        runtime: env.name,
        unit: 'MiB',
        ours: total,
        target: env.name === 'docker' && kind === 'minimal' ? { text: '≤ 10 MB (9.5 MiB)', max: TEN_MB_IN_MIB } : undefined,
        note: `${samples[0]!.source}; ${samples.length} agents idle ${IDLE_MS / 1000} s; VmRSS by process p50 (MiB): ${breakdown(samples)}${cg}${agent}${failures.length ? `; ${failures.length} spawn(s) failed: ${failures[0]}` : ''}`,
      }));
    } finally {
      await mapSettled(handles, 10, (h) => env.runtime.killAgent(h));
    }
  }
  return rows;
}
