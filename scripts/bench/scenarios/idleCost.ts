// What idle agents cost while nobody touches them, per minute, pushed against polled, in the
// same run: with the runtime's tmux control-mode watcher (tmux pushes changes; the
// extension re-lists on each push and once a minute as a safety net) against re-listing
// every 5 s (the extension's polling while the view is visible). Measured over a window
// each: pushes received, tmux calls made, CPU of the tmux server and of this process.
import { readFileSync } from 'node:fs';
import type { RuntimeManager } from '../../../src/core/runtimeManager';
import type { AgentHandle } from '../../../src/core/types';
import { StatusService } from '../../../src/status/statusService';
import type { BenchRuntime } from '../env/types';
import { makeRow, notMeasured, type Row } from '../results';
import { single } from '../stats';

const POLL_MS = 5_000;
const SAFETY_POLL_MS = 60_000;
const TICK_MS = 10; // USER_HZ 100: /proc times are in hundredths of a second

function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU milliseconds (user + system) of a process so far. */
function cpuMsOf(pid: number): number {
  const f = statFields(pid);
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

/**
 * CPU milliseconds of this process's finished children (cutime + cstime): the tmux client
 * processes a local runtime starts, one per tmux call. (This process's own CPU is not
 * reported: the benchmark process also hosts the Kubernetes test server and every other
 * runtime, whose background work would drown the difference.)
 */
function childrenCpuMs(): number {
  const f = statFields('self');
  return (Number(f[13]) + Number(f[14])) * TICK_MS;
}

interface Window {
  refreshes: number;
  tmuxCalls: number;
  serverCpuMs: number;
  childrenCpuMs: number;
  seconds: number;
}

const perMinute = (w: Window, v: number) => (v * 60) / w.seconds;

function sumWindows(ws: readonly Window[]): Window {
  const sum = (k: keyof Window) => ws.reduce((t, w) => t + w[k], 0);
  return { refreshes: sum('refreshes'), tmuxCalls: sum('tmuxCalls'), serverCpuMs: sum('serverCpuMs'), childrenCpuMs: sum('childrenCpuMs'), seconds: sum('seconds') };
}

export async function runIdleCost(envs: readonly BenchRuntime[], manager: RuntimeManager, handles: (env: BenchRuntime) => readonly AgentHandle[], windowMs: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const env of envs) {
    const scenario = `idle cost per minute, ${handles(env).length} idle agents`;
    const rt = env.runtime;
    if (!rt.onDidChangeAgents || !rt.isLive) continue; // containers and pods push no status yet
    const first = handles(env)[0];
    if (!first) continue;
    const tmux = rt.getTmux(first);
    const pidOut = await tmux.executor.exec(tmux.argv(['display-message', '-p', '#{pid}']), { timeoutMs: 5_000 });
    const serverPid = Number(pidOut.stdout.trim());
    if (!Number.isInteger(serverPid) || serverPid <= 0) {
      rows.push(notMeasured('status', scenario, env.name, `could not read the tmux server's pid: ${pidOut.stderr.trim()}`));
      continue;
    }
    const status = new StatusService();
    const refresh = async () => {
      const listing = await manager.listAgents(rt.id);
      await status.refine([listing], (h) => manager.getTmux(h));
    };
    await refresh(); // fills the screen cache, as a running extension has

    const measure = async (run: (stop: AbortSignal) => Promise<{ refreshes: number }>): Promise<Window> => {
      const probesBefore = status.totals.probes + status.totals.captures;
      const cpu0 = cpuMsOf(serverPid);
      const children0 = childrenCpuMs();
      const t0 = performance.now();
      const stop = AbortSignal.timeout(windowMs);
      const { refreshes } = await run(stop);
      const seconds = (performance.now() - t0) / 1000;
      // Each refresh lists (one call) and probes (status.totals counts probes and captures).
      const tmuxCalls = refreshes + (status.totals.probes + status.totals.captures - probesBefore);
      return { refreshes, tmuxCalls, serverCpuMs: cpuMsOf(serverPid) - cpu0, childrenCpuMs: childrenCpuMs() - children0, seconds };
    };

    // Pushed and polled alternate, two windows each (ABAB), so neither side absorbs the
    // garbage collection and settling after the previous scenario alone. Polled windows
    // turn the watcher off (setLiveUpdates), as the setting tmuxAgents.liveUpdates does.
    const switchable = rt as unknown as { setLiveUpdates?(on: boolean): void };
    if (!switchable.setLiveUpdates) continue;
    let pushes = 0;
    const sub = rt.onDidChangeAgents(() => pushes++);
    const pushedWindows: Window[] = [];
    const polledWindows: Window[] = [];
    try {
      for (let round = 0; round < 2; round++) {
        switchable.setLiveUpdates(true);
        await refresh(); // attaches the watcher
        if (!rt.isLive()) {
          rows.push(notMeasured('status', scenario, env.name, 'the runtime did not attach its tmux watcher (see the log); nothing pushed to measure'));
          break;
        }
        // The subscriptions' first values arrive within a second of attaching (a one-time re-list).
        await new Promise((r) => setTimeout(r, 2_000));
        pushes = 0;
        pushedWindows.push(
          await measure(async (stop) => {
            let refreshes = 0;
            let seen = 0;
            while (!stop.aborted) {
              await new Promise((r) => setTimeout(r, 100));
              for (; seen < pushes; seen = pushes) {
                refreshes++;
                await refresh();
              }
            }
            return { refreshes };
          }),
        );
        switchable.setLiveUpdates(false);
        await new Promise((r) => setTimeout(r, 500)); // the client has gone
        polledWindows.push(
          await measure(async (stop) => {
            let refreshes = 0;
            while (!stop.aborted) {
              refreshes++;
              await refresh();
              await new Promise((r) => setTimeout(r, POLL_MS));
            }
            return { refreshes };
          }),
        );
      }
    } finally {
      sub.dispose();
      switchable.setLiveUpdates(true);
      status.dispose();
    }
    if (pushedWindows.length < 2 || polledWindows.length < 2) continue;
    const pushed = sumWindows(pushedWindows);
    const polled = sumWindows(polledWindows);

    // The pushed side also re-lists once a minute as a safety net (SAFETY_POLL_MS); counted in.
    const safety = { refreshes: 60_000 / SAFETY_POLL_MS, calls: (60_000 / SAFETY_POLL_MS) * 2 };
    const note = `two windows each, alternating, ${pushed.seconds.toFixed(0)} s pushed and ${polled.seconds.toFixed(0)} s polled in all; pushed: ${pushed.refreshes} re-list(s) on pushes, plus the once-a-minute safety re-list counted in; polled: ${polled.refreshes} re-lists, one every ${POLL_MS / 1000} s`;
    rows.push(makeRow({
      section: 'status', scenario: `${scenario}: tmux calls`, runtime: env.name, unit: 'count',
      ours: single(perMinute(pushed, pushed.tmuxCalls) + safety.calls),
      baseline: { label: `re-listing every ${POLL_MS / 1000} s (polling)`, samples: single(perMinute(polled, polled.tmuxCalls)) },
      target: { text: 'near zero: ≤ 2 (the safety re-list)', max: 2 },
      note,
    }));
    rows.push(makeRow({
      section: 'status', scenario: `${scenario}: CPU ms of the tmux server`, runtime: env.name,
      ours: single(perMinute(pushed, pushed.serverCpuMs)),
      baseline: { label: 'polling every 5 s', samples: single(perMinute(polled, polled.serverCpuMs)) },
      note: 'pushed: tmux evaluates the two subscription formats once a second for every session; /proc resolution is 10 ms',
    }));
    if (env.name === 'local') {
      rows.push(makeRow({
        section: 'status', scenario: `${scenario}: CPU ms of the tmux client processes`, runtime: env.name,
        ours: single(perMinute(pushed, pushed.childrenCpuMs)),
        baseline: { label: 'polling every 5 s', samples: single(perMinute(polled, polled.childrenCpuMs)) },
        note: 'one short-lived `tmux` process per call (cutime + cstime of this process); the safety re-list is not included',
      }));
    }
  }
  return rows;
}
