// `listAllAgents` with 0, 10 and 50 agents on every runtime at once (each runtime's own
// listing, then all of them in parallel as the view does), the status refresh on top of it
// (statusRefresh.ts), and the 50-agent concurrent spawn on one Docker runtime: time until
// all are ready, failures, and containers left over after killing them all. Docker's
// listing runs interleaved with `docker ps --filter label=…` (the description's way) and
// with that plus a `docker exec … tmux list-sessions` per container (the same work as ours).
import { RuntimeManager } from '../../../src/core/runtimeManager';
import type { RuntimeListing } from '../../../src/core/runtimeManager';
import { DockerCliBaseline } from '../baseline/dockerCli';
import { docker } from '../env/dockerEnv';
import type { BenchRuntime } from '../env/types';
import { interleave, repeat, timeMs } from '../measure';
import type { BenchOptions } from '../options';
import { makeRow, notMeasured, type ProfileEntry, type Row } from '../results';
import { single } from '../stats';
import { Trace, profileOf, traced } from '../trace';
import { depopulate, populate, type Population } from './population';
import { runIdleCost } from './idleCost';
import { runStatusRefresh } from './statusRefresh';

const LIST_TARGET = { text: '≤ 30 ms', max: 30 };

async function timedList(manager: RuntimeManager, runtimeId: string, expected: number): Promise<number> {
  let listing!: RuntimeListing;
  const ms = await timeMs(async () => (listing = await manager.listAgents(runtimeId)));
  if (listing.error) throw new Error(`listing failed: ${listing.error}`);
  if (listing.agents.length !== expected) throw new Error(`listed ${listing.agents.length} agents, expected ${expected}`);
  return ms;
}

export async function runListing(envs: BenchRuntime[], o: BenchOptions, baselineWorkspace: string | undefined, log: (msg: string) => void): Promise<{ rows: Row[]; profiles: ProfileEntry[] }> {
  const rows: Row[] = [];
  const profiles: ProfileEntry[] = [];
  // Registered as the extension does; the runtimes stay owned by their environments.
  const manager = new RuntimeManager({ listTimeoutMs: 120_000 });
  for (const e of envs) manager.register(e.runtime.id, e.runtime);
  const dockerEnv = envs.find((e) => e.name === 'docker');
  const cli = dockerEnv && baselineWorkspace ? new DockerCliBaseline(baselineWorkspace) : undefined;
  const maxCount = Math.max(...o.listCounts);

  for (const count of o.listCounts) {
    const pops: Population[] = [];
    const expected = new Map<string, number>();
    try {
      for (const env of envs) {
        // Docker's agents run the Node.js fake CLI with a task (this is the concurrent-spawn
        // scenario); the others get minimal agents, which a listing cannot tell apart.
        const kind = env.name === 'docker' ? 'fake' : 'minimal';
        const p = count > 0 ? await populate(env, count, kind, `ls${count}`) : undefined;
        if (p) {
          pops.push(p);
          log(`  ${env.name}: ${p.handles.length} ${kind} agents spawned in ${(p.spawnMs / 1000).toFixed(1)} s${p.failures.length ? `, ${p.failures.length} failed` : ''}`);
        }
        expected.set(env.runtime.id, p?.handles.length ?? 0);
        if (p && env.name === 'docker' && count === maxCount) {
          rows.push(makeRow({
            section: 'scale', scenario: `${count} concurrent spawns on one Docker runtime: all ready`, runtime: 'docker', unit: 's',
            ours: single(p.spawnMs / 1000), target: { text: '≤ 30 s', max: 30 },
            note: `each spawnAgent resolves once its CLI is ready and its task submitted; ${p.delivered}/${count} tasks recorded by the fake agents`,
          }));
          rows.push(makeRow({
            section: 'scale', scenario: `${count} concurrent spawns: failures`, runtime: 'docker', unit: 'count',
            ours: single(p.failures.length), target: { text: '0', max: 0 }, note: p.failures.length ? `first: ${p.failures[0]}` : undefined,
          }));
          profiles.push(profileOf(`docker spawn, ${count} at once (per agent)`, p.traces));
        } else if (p && p.failures.length) {
          rows.push(notMeasured('scale', `populating ${env.name} with ${count} agents`, env.name, `${p.failures.length} spawn(s) failed: ${p.failures[0]}`));
        }
      }

      const reps = count >= maxCount && count > 10 ? o.reps.listBig : o.reps.list;
      const total = o.warmup.list + reps;
      log(`  measuring listings with ${count} agents per runtime`);
      for (const env of envs) {
        const id = env.runtime.id;
        const n = expected.get(id)!;
        const listTraces: Trace[] = [];
        const ours = async () => {
          if (count !== maxCount || count === 0) return timedList(manager, id, n);
          const t = new Trace();
          listTraces.push(t);
          return traced(t, () => timedList(manager, id, n));
        };
        if (env.name === 'docker' && cli) {
          const label = `tmux-agents.runtime-id=${id}`;
          const a = await interleave(total, ours, () => timeMs(() => cli.list(label)));
          rows.push(makeRow({ section: 'list', scenario: `listAgents, ${n} agents`, runtime: 'docker', ours: a.ours, warmup: o.warmup.list, baseline: { label: '`docker ps --filter label=…`', samples: a.baseline }, target: count === maxCount ? LIST_TARGET : undefined }));
          if (n > 0) {
            const b = await interleave(o.warmup.list + o.reps.listBig, ours, () => timeMs(() => cli.listWithTmux(label)));
            rows.push(makeRow({ section: 'list', scenario: `listAgents, ${n} agents (same work: + tmux per container)`, runtime: 'docker', ours: b.ours, warmup: o.warmup.list, baseline: { label: '`docker ps` + `docker exec … tmux list-sessions` per container, in parallel', samples: b.baseline } }));
          }
        } else {
          rows.push(makeRow({ section: 'list', scenario: `listAgents, ${n} agents`, runtime: env.name, ours: await repeat(total, ours), warmup: o.warmup.list, target: count === maxCount ? LIST_TARGET : undefined }));
        }
        if (listTraces.length) {
          const p = profileOf(`${env.name} listAgents, ${n} agents`, listTraces.slice(o.warmup.list));
          p.note = `${p.note}; the calls run in parallel, so their times add up to more than the listing took`;
          profiles.push(p);
        }
      }
      if (envs.length > 1) {
        const all = await repeat(total, async () => {
          let listings!: RuntimeListing[];
          const ms = await timeMs(async () => (listings = await manager.listAllAgents()));
          const bad = listings.find((l) => l.error || l.agents.length !== expected.get(l.runtimeId));
          if (bad) throw new Error(`${bad.runtimeId}: ${bad.error ?? `listed ${bad.agents.length}, expected ${expected.get(bad.runtimeId)}`}`);
          return ms;
        });
        const sum = [...expected.values()].reduce((s, v) => s + v, 0);
        rows.push(makeRow({ section: 'list', scenario: `listAllAgents, ${count} per runtime (${sum} in all)`, runtime: envs.map((e) => e.name).join('+'), ours: all, warmup: o.warmup.list, target: count === maxCount ? LIST_TARGET : undefined }));
      }

      if (count === maxCount && count > 0) {
        rows.push(...(await runStatusRefresh(envs, manager, count, total, o.warmup.list)));
        log(`  measuring the idle cost with ${count} agents, pushed and polled`);
        rows.push(...(await runIdleCost(envs, manager, (env) => pops.find((p) => p.env === env)?.handles ?? [], o.quick ? 5_000 : 20_000)));
      }
    } finally {
      for (const p of pops) {
        const d = await depopulate(p);
        log(`  ${p.env.name}: ${p.handles.length} agents killed in ${(d.killMs / 1000).toFixed(1)} s`);
        if (p.env.name === 'docker' && count === maxCount) {
          const labelled = (await docker.listContainers({ all: true, filters: { label: [`tmux-agents.runtime-id=${p.env.runtime.id}`] } })).length;
          rows.push(makeRow({
            section: 'scale', scenario: `kill all ${p.handles.length} concurrently: containers left over`, runtime: 'docker', unit: 'count',
            ours: single(labelled), target: { text: '0', max: 0 },
            note: `all kills returned after ${(d.killMs / 1000).toFixed(1)} s; ${d.killFailures.length} kill(s) failed${d.killFailures[0] ? ` (${d.killFailures[0]})` : ''}; agents with something left 10 s later: ${d.left}`,
          }));
        } else if (d.left || d.killFailures.length) {
          rows.push(notMeasured('scale', `killing ${p.handles.length} agents`, p.env.name, `${d.killFailures.length} kill(s) failed, ${d.left} agent(s) left something behind${d.killFailures[0] ? `: ${d.killFailures[0]}` : ''}`));
        }
      }
    }
  }
  return { rows, profiles };
}
