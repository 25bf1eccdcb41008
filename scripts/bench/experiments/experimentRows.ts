// EXPERIMENT rows, each measured interleaved with the runtime's own way so the two figures
// share the load: the same tmux operation and the same Docker listing through one
// persistent control-mode exec per container (controlModeChannel.ts), and the Docker spawn
// with its tmux commands chained into fewer execs (leanSpawn.ts).
import { join } from 'node:path';
import type { AgentHandle } from '../../../src/core/types';
import { SESSION_FIELDS } from '../../../src/tmux/sessionLabels';
import { docker } from '../env/dockerEnv';
import type { BenchRuntime } from '../env/types';
import { interleave, timeMs } from '../measure';
import type { BenchOptions } from '../options';
import { makeRow, type ProfileEntry, type Row } from '../results';
import { Trace, profileOf, traced } from '../trace';
import { waitForMessages } from '../../../test/support/fakeAgent';
import { ControlModeChannel } from './controlModeChannel';
import { leanKill, leanSpawn, type LeanAgent } from './leanSpawn';

const SOCKET = 'tmux-agents';
const LABEL = 'experiment: one persistent `tmux -C` exec per container';

function open(h: AgentHandle): Promise<ControlModeChannel> {
  return ControlModeChannel.open(docker, h.data.containerId!, h.data.user!, SOCKET, h.sessionName);
}

/** send-keys and capture-pane over a control-mode channel, against a `docker exec` process each. */
export async function controlModeOps(env: BenchRuntime, o: BenchOptions, h: AgentHandle): Promise<Row[]> {
  const ch = await open(h);
  const target = `=${h.sessionName}:`;
  const tmux = env.runtime.getTmux(h);
  const rows: Row[] = [];
  try {
    for (const [name, args] of [
      ['send-keys (one key)', ['send-keys', '-t', target, 'x']],
      ['capture-pane (screen)', ['capture-pane', '-p', '-J', '-t', target]],
    ] as const) {
      const r = await interleave(o.warmup.op + o.reps.op, () => timeMs(() => ch.run(args)), () => timeMs(() => env.cliTmux!.run(h, tmux.argv([...args]))));
      rows.push(makeRow({
        section: 'tmux op', scenario: `tmux op: ${name}, ${LABEL}`, runtime: 'docker', ours: r.ours, warmup: o.warmup.op,
        baseline: { label: env.cliTmux!.label, samples: r.baseline },
        target: { text: '≤ 20 ms and ≥ 8x faster than a `docker exec` process', max: 20, minRatio: 8 },
        note: 'a prototype in scripts/bench/experiments/, not the runtime\'s code: what the runtime would measure with this change',
      }));
    }
  } finally {
    ch.close();
  }
  return rows;
}

/**
 * The Docker listing with channels already open: one label-filtered container list, then
 * list-sessions over each running container's channel, in parallel; against the runtime's
 * listAgents (one exec per container).
 */
export async function controlModeList(env: BenchRuntime, o: BenchOptions, handles: readonly AgentHandle[], reps: number): Promise<Row[]> {
  const channels = await Promise.all(handles.map(open));
  const byContainer = new Map(handles.map((h, i) => [h.data.containerId!, channels[i]!]));
  const format = SESSION_FIELDS.map((f) => `#{${f}}`).join(' ');
  try {
    const experiment = async () => {
      const rows = await docker.listContainers({ all: true, filters: { label: ['tmux-agents=true', `tmux-agents.runtime-id=${env.runtime.id}`] } });
      const listed = await Promise.all(rows.filter((r) => r.State === 'running').map((r) => byContainer.get(r.Id)?.run(['list-sessions', '-F', format])));
      if (listed.filter((l) => l !== undefined).length !== handles.length) throw new Error(`listed ${listed.length} of ${handles.length}`);
    };
    const r = await interleave(o.warmup.list + reps, () => timeMs(experiment), () => timeMs(() => env.runtime.listAgents()));
    return [makeRow({
      section: 'list', scenario: `listAgents, ${handles.length} agents, ${LABEL}`, runtime: 'docker', ours: r.ours, warmup: o.warmup.list,
      baseline: { label: 'the runtime\'s listAgents (one exec per container)', samples: r.baseline },
      target: { text: '≤ 30 ms', max: 30 },
      note: 'a prototype: channels opened beforehand (as a runtime would keep them), container list through the Engine API, list-sessions over each channel',
    })];
  } finally {
    for (const c of channels) c.close();
  }
}

/**
 * The Docker spawn with fewer tmux round trips (leanSpawn.ts), interleaved with the
 * runtime's spawnAgent; both kill untimed. Both must deliver the task to the fake agent.
 */
export async function leanSpawnRows(env: BenchRuntime, o: BenchOptions, workspace: string): Promise<{ rows: Row[]; profiles: ProfileEntry[] }> {
  let delivered = 0;
  let leanDelivered = 0;
  const leanTraces: Trace[] = [];
  const runtimeTraces: Trace[] = [];
  const r = await interleave(
    o.warmup.lifecycle + o.reps.lifecycle,
    async (rep) => {
      const id = `lean-${rep}`;
      const task = `lean task ${rep}`;
      let a!: LeanAgent;
      const t = new Trace();
      const ms = await timeMs(() => traced(t, async () => (a = await leanSpawn(id, workspace, task))));
      if (rep >= o.warmup.lifecycle) leanTraces.push(t);
      if ((await waitForMessages(join(workspace, `${id}.log`), 1, 5_000).catch((): string[] => [])).includes(task)) leanDelivered++;
      await leanKill(a);
      return ms;
    },
    async (rep) => {
      const task = `rt task ${rep}`;
      let h!: AgentHandle;
      const t = new Trace();
      const ms = await timeMs(() => traced(t, async () => (h = await env.runtime.spawnAgent(env.config(`rt-${rep}`, 'fake', task)))));
      if (rep >= o.warmup.lifecycle) runtimeTraces.push(t);
      if (await env.delivered(h, task)) delivered++;
      await env.runtime.killAgent(h);
      return ms;
    },
  );
  const total = o.warmup.lifecycle + o.reps.lifecycle;
  const execs = (ts: Trace[]) => (ts.reduce((n, t) => n + t.events.filter((e) => e.step.startsWith('engine exec:')).length, 0) / (ts.length || 1)).toFixed(1);
  const profile = profileOf('docker spawn, experiment: tmux commands chained into fewer execs', leanTraces);
  return {
    rows: [makeRow({
      section: 'lifecycle', scenario: 'spawn → agent running, task delivered, experiment: tmux commands chained into fewer execs', runtime: 'docker',
      ours: r.ours, warmup: o.warmup.lifecycle,
      baseline: { label: 'the runtime\'s spawnAgent', samples: r.baseline },
      target: { text: '≤ 700 ms', max: 700 },
      note: `a prototype (scripts/bench/experiments/leanSpawn.ts): the same container and launch steps, tmux commands chained with ";"; engine execs per spawn: experiment ${execs(leanTraces)}, runtime ${execs(runtimeTraces)}; tasks recorded: experiment ${leanDelivered}/${total}, runtime ${delivered}/${total}`,
    })],
    profiles: [profile],
  };
}
