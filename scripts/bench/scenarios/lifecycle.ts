// Spawn to "agent running and task delivered", then kill to "nothing left", per runtime.
// spawnAgent resolves once the CLI showed its prompt and the task was pasted and submitted;
// that the fake agent really recorded the task is checked afterwards, untimed. Kill is timed
// until nothing is left: the pane's process tree gone (local, SSH), the container gone
// (Docker), the pod's container gone (Kubernetes test server). Docker runs the plain-CLI
// baseline interleaved with ours.
import type { AgentHandle } from '../../../src/core/types';
import { docker } from '../env/dockerEnv';
import type { BenchRuntime } from '../env/types';
import { DockerCliBaseline } from '../baseline/dockerCli';
import { interleave, repeat, timeMs, waitUntil, type SampleSet } from '../measure';
import type { BenchOptions } from '../options';
import { makeRow, type ProfileEntry, type Row } from '../results';
import { Trace, profileOf, traced, type TraceEvent } from '../trace';
import { waitForMessages } from '../../../test/support/fakeAgent';

const TARGETS = {
  spawn: { text: '≤ 700 ms', max: 700 },
  kill: { text: '≤ 400 ms', max: 400 },
} as const;

/** Steps the runtimes log (their own breakdown), as profile lines in parentheses. */
function loggedSteps(t: Trace): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const l of t.logs) {
    const d = l.match(/checks\+create (\d+) ms, start (\d+) ms, session\+task (\d+) ms/);
    if (d) {
      out.push({ step: '(logged: checks + create container)', ms: Number(d[1]) });
      out.push({ step: '(logged: start container + tmux answers)', ms: Number(d[2]) });
      out.push({ step: '(logged: session + CLI ready + task)', ms: Number(d[3]) });
    }
    const k = l.match(/pod running after (\d+) ms, CLI ready.* after (\d+) ms/);
    if (k) {
      out.push({ step: '(logged: create pod → running)', ms: Number(k[1]) });
      out.push({ step: '(logged: session + CLI ready + task)', ms: Number(k[2]) - Number(k[1]) });
    }
  }
  return out;
}

export async function runLifecycle(env: BenchRuntime, o: BenchOptions, baselineWorkspace?: string): Promise<{ rows: Row[]; profiles: ProfileEntry[] }> {
  const total = o.warmup.lifecycle + o.reps.lifecycle;
  const spawnTraces: Trace[] = [];
  const killTraces: Trace[] = [];
  let delivered = 0;
  const killSamples: SampleSet = { samples: [], failures: [] };
  const taskOf = (rep: number) => `bench task ${rep}: say hello`;

  const ours = async (rep: number): Promise<number> => {
    const agentId = `sp-${rep}`;
    const task = taskOf(rep);
    const st = new Trace();
    let handle!: AgentHandle;
    let ms: number;
    try {
      ms = await timeMs(() => traced(st, async () => (handle = await env.runtime.spawnAgent(env.config(agentId, 'fake', task)))));
    } catch (e) {
      killSamples.samples.push(NaN); // keeps the kill samples aligned with the warm-up count
      throw e;
    }
    if (await env.delivered(handle, task)) delivered++;
    const gone = await env.goneCheck(handle);
    const kt = new Trace();
    try {
      killSamples.samples.push(await timeMs(() => traced(kt, async () => {
        await env.runtime.killAgent(handle);
        await waitUntil(`agent ${agentId} gone`, gone);
      })));
    } catch (e) {
      killSamples.samples.push(NaN);
      killSamples.failures.push(String((e as Error).message).split('\n')[0]!);
    }
    if (rep >= o.warmup.lifecycle) {
      spawnTraces.push(st);
      killTraces.push(kt);
    }
    return ms;
  };

  let spawn: SampleSet;
  let baseline: { spawn: SampleSet; kill: SampleSet } | undefined;
  let baselineDelivered = 0;
  if (env.name === 'docker' && baselineWorkspace) {
    const cli = new DockerCliBaseline(baselineWorkspace);
    const bKill: SampleSet = { samples: [], failures: [] };
    const r = await interleave(total, ours, async (rep) => {
      const name = `sp-${rep}`;
      let agent!: Awaited<ReturnType<typeof cli.spawn>>;
      let ms: number;
      try {
        ms = await timeMs(async () => (agent = await cli.spawn(name, taskOf(rep))));
      } catch (e) {
        bKill.samples.push(NaN);
        throw e;
      }
      if ((await waitForMessages(cli.logPath(name), 1, 5_000).catch((): string[] => [])).includes(taskOf(rep))) baselineDelivered++;
      const c = docker.getContainer(agent.id);
      try {
        bKill.samples.push(await timeMs(async () => {
          await cli.kill(agent);
          await waitUntil(`baseline container ${name} gone`, () => c.inspect().then(() => false, () => true));
        }));
      } catch (e) {
        bKill.samples.push(NaN);
        bKill.failures.push(String((e as Error).message).split('\n')[0]!);
      }
      return ms;
    });
    spawn = r.ours;
    baseline = { spawn: r.baseline, kill: bKill };
  } else {
    spawn = await repeat(total, ours);
  }

  const isDocker = env.name === 'docker';
  const rows: Row[] = [
    makeRow({
      section: 'lifecycle', scenario: 'spawn → agent running, task delivered', runtime: env.name,
      ours: spawn, warmup: o.warmup.lifecycle,
      baseline: baseline ? { label: '`docker run` + `docker exec` per tmux command', samples: baseline.spawn } : undefined,
      target: isDocker ? TARGETS.spawn : undefined,
      note: `task recorded by the fake agent: ours ${delivered}/${total}${baseline ? `, baseline ${baselineDelivered}/${total}` : ''}`,
    }),
    makeRow({
      section: 'lifecycle', scenario: 'kill → nothing left', runtime: env.name,
      ours: killSamples, warmup: o.warmup.lifecycle,
      baseline: baseline ? { label: '`docker exec tmux kill-session`, `docker stop -t 2`, `docker rm`', samples: baseline.kill } : undefined,
      target: isDocker ? TARGETS.kill : undefined,
    }),
  ];
  return {
    rows,
    profiles: [profileOf(`${env.name} spawn`, spawnTraces, loggedSteps), profileOf(`${env.name} kill`, killTraces)],
  };
}
