// Everything the benchmark starts is registered here and torn down in reverse order: at the
// end of the run, on an error, and on Ctrl+C (SIGINT) or SIGTERM. A second Ctrl+C during the
// teardown exits at once. Leftovers of an earlier run that was killed hard (its pid is gone)
// are removed at start: containers by label, tmux servers by socket name.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { errorMessage } from '../../src/core/errors';
import { LocalProcessExecutor } from '../../src/runtimes/local/localProcessExecutor';

/** Prefix of every runtime id, tmux socket and container label value this benchmark uses. */
export const RUN_PREFIX = 'bench';
/** Label on the baseline's plain-CLI containers (ours carry the runtime's own labels). */
export const BASELINE_LABEL = 'tmux-agents-bench';
export const runTag = `${RUN_PREFIX}-${process.pid}`;

type Step = { what: string; run: () => Promise<void> | void };
const steps: Step[] = [];
let tearingDown: Promise<void> | undefined;

export function onCleanup(what: string, run: () => Promise<void> | void): void {
  steps.push({ what, run });
}

/** Runs every registered step once (last registered first); failures are reported, not thrown. */
export function cleanupAll(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  tearingDown ??= (async () => {
    while (steps.length) {
      const s = steps.pop()!;
      try {
        await s.run();
      } catch (e) {
        log(`cleanup: ${s.what} failed: ${errorMessage(e)}`);
      }
    }
  })();
  return tearingDown;
}

const interrupted = new AbortController();
/** Aborted on Ctrl+C: scenarios check it before starting anything new. */
export const interruptSignal: AbortSignal = interrupted.signal;

export function installSignalHandlers(): void {
  let signals = 0;
  const handler = (sig: NodeJS.Signals) => {
    interrupted.abort(new Error(`interrupted by ${sig}`));
    if (++signals > 1) {
      process.stderr.write(`\n${sig} again: exiting without finishing the cleanup.\n`);
      process.exit(130);
    }
    process.stderr.write(`\n${sig}: removing everything the benchmark started (Ctrl+C again to skip)...\n`);
    void cleanupAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** pid encoded in "bench-<pid>-..." names, if that process is gone. */
function deadOwner(name: string | undefined): boolean {
  const m = name?.match(new RegExp(`^${RUN_PREFIX}-(\\d+)(-|$)`));
  return !!m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]));
}

/** pid encoded in "bench-<pid>-..." names, if it is this process. */
function ownRun(name: string | undefined): boolean {
  return name === runTag || !!name?.startsWith(`${runTag}-`);
}

/**
 * Removes containers and tmux servers of earlier benchmark runs whose process died, or
 * (`own`) this run's: the last cleanup step, which also catches what a spawn still in
 * flight during Ctrl+C created after its runtime was torn down.
 */
export async function sweepDeadRuns(docker: Docker | undefined, own = false): Promise<string[]> {
  const match = own ? ownRun : deadOwner;
  const removed: string[] = [];
  if (docker) {
    const rows = await docker.listContainers({ all: true }).catch(() => []);
    for (const c of rows) {
      const owner = c.Labels?.['tmux-agents.runtime-id'] ?? c.Labels?.[BASELINE_LABEL];
      if (match(owner)) {
        await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
        removed.push(`container ${c.Names?.[0] ?? c.Id.slice(0, 12)}`);
      }
    }
  }
  const dir = join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`);
  let sockets: string[] = [];
  try {
    sockets = readdirSync(dir);
  } catch {
    // no tmux server ever ran as this user
  }
  for (const s of sockets.filter(match)) {
    await killTmuxServer(s);
    removed.push(`tmux server ${s}`);
  }
  return removed;
}

/** Stops a tmux server on this machine by its socket name (and removes the socket file). */
export async function killTmuxServer(socketName: string): Promise<void> {
  await new LocalProcessExecutor().exec(['tmux', '-L', socketName, 'kill-server'], { timeoutMs: 5_000 }).catch(() => undefined);
  rmSync(join(process.env.TMUX_TMPDIR || '/tmp', `tmux-${process.getuid?.() ?? 0}`, socketName), { force: true });
}

/** Removes every container carrying `label=value` (force, with anonymous volumes). */
export async function removeContainersByLabel(docker: Docker, label: string): Promise<number> {
  const rows = await docker.listContainers({ all: true, filters: { label: [label] } });
  await Promise.all(rows.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  return rows.length;
}
