// One tmux operation on a running agent, per runtime: send-keys (one key) and capture-pane
// (the visible screen), through the runtime's TmuxService, against the same tmux argv run
// as a new CLI process per command (docker exec, ssh, kubectl exec) where there is one.
import type { AgentHandle } from '../../../src/core/types';
import { capturePaneArgs, sendKeysArgs } from '../../../src/tmux/tmuxCommands';
import type { BenchRuntime } from '../env/types';
import { interleave, repeat, timeMs } from '../measure';
import type { BenchOptions } from '../options';
import { makeRow, type Row } from '../results';

const CONTAINER_TARGET = { text: '≤ 20 ms and ≥ 8x faster than a `docker exec` process', max: 20, minRatio: 8 };

export async function runTmuxOps(env: BenchRuntime, o: BenchOptions, handle: AgentHandle): Promise<Row[]> {
  const tmux = env.runtime.getTmux(handle);
  const s = handle.sessionName;
  const ops: Array<{ name: string; ours: () => Promise<unknown>; argv: string[] }> = [
    { name: 'tmux op: send-keys (one key)', ours: () => tmux.sendKeys(s, 'x'), argv: tmux.argv(sendKeysArgs(s, ['x'])) },
    { name: 'tmux op: capture-pane (screen)', ours: () => tmux.capturePane(s), argv: tmux.argv(capturePaneArgs(s)) },
  ];
  const total = o.warmup.op + o.reps.op;
  const rows: Row[] = [];
  for (const op of ops) {
    const cli = env.cliTmux;
    if (cli) {
      const r = await interleave(total, () => timeMs(op.ours), () => timeMs(() => cli.run(handle, op.argv)));
      rows.push(makeRow({
        section: 'tmux op', scenario: op.name, runtime: env.name, ours: r.ours, warmup: o.warmup.op,
        baseline: { label: cli.label, samples: r.baseline },
        target: env.name === 'docker' ? CONTAINER_TARGET : undefined,
      }));
    } else {
      rows.push(makeRow({ section: 'tmux op', scenario: op.name, runtime: env.name, ours: await repeat(total, () => timeMs(op.ours)), warmup: o.warmup.op }));
    }
  }
  return rows;
}
