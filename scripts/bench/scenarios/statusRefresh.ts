// The status refresh on top of a listing: StatusService.refine (src/status) over idle
// agents, per runtime and for all runtimes together, after a first refresh that fills its
// screen cache. The listing itself is measured separately and not included.
import type { RuntimeListing, RuntimeManager } from '../../../src/core/runtimeManager';
import type { AgentHandle } from '../../../src/core/types';
import type { TmuxService } from '../../../src/tmux/tmuxService';
import type { BenchRuntime } from '../env/types';
import { repeat, timeMs } from '../measure';
import { makeRow, notMeasured, type Row } from '../results';

type Refiner = { refine(l: readonly RuntimeListing[], g: (h: AgentHandle) => TmuxService): Promise<{ stats: { probes: number; captures: number } }> };

/** The status service, or why it is not there (another engineer is finishing it). */
async function statusService(): Promise<(() => Refiner) | string> {
  try {
    const m = await import('../../../src/status/statusService');
    return () => new m.StatusService();
  } catch (e) {
    return `src/status/statusService.ts could not be loaded (${(e as Error).message.split('\n')[0]})`;
  }
}

export async function runStatusRefresh(envs: readonly BenchRuntime[], manager: RuntimeManager, count: number, total: number, warmup: number): Promise<Row[]> {
  const make = await statusService();
  const rows: Row[] = [];
  const scenario = `status refresh (StatusService.refine), ${count} idle agents per runtime`;
  const targets: Array<BenchRuntime | undefined> = envs.length > 1 ? [...envs, undefined] : [...envs];
  for (const env of targets) {
    const label = env?.name ?? envs.map((e) => e.name).join('+');
    if (typeof make === 'string') {
      rows.push(notMeasured('status', scenario, label, make));
      continue;
    }
    const svc = make();
    const listings = env ? [await manager.listAgents(env.runtime.id)] : await manager.listAllAgents();
    let last = { probes: 0, captures: 0 };
    const r = await repeat(total, () => timeMs(async () => (last = (await svc.refine(listings, (h) => manager.getTmux(h))).stats)));
    rows.push(makeRow({ section: 'status', scenario, runtime: label, ours: r, warmup, note: `per refresh after the first: ${last.probes} tmux probe call(s), ${last.captures} capture(s); the listing itself is not included` }));
  }
  return rows;
}
