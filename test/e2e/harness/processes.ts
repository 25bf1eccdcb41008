// Processes the harness starts: stop a whole process group, and make sure nothing outlives the
// test process even when it is killed outright.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

/** Cleanup that survives this process: a shell outside the target's process group holds a pipe
 *  from us; however we end (normal exit without cleanup, uncaught error, Ctrl+C, SIGKILL, a
 *  runner's timeout) the pipe closes, and on that EOF the shell kills the group and removes the
 *  dirs. Without it code-server's helpers (pty host, file watcher, extension host) linger for
 *  half a minute after their parent is killed, and temp dirs stay forever. The returned
 *  function disarms it, for a normal stop. */
export function startWatchdog(target: { pgid?: number; dirs?: string[] }): () => void {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const dirs = (target.dirs ?? []).map(quote).join(' ');
  const script = [
    'read _ignored',
    target.pgid ? `kill -9 -${target.pgid} 2>/dev/null` : '',
    // A dying browser may still write into its profile for a moment: retry, bounded.
    target.dirs?.length
      ? `for _try in 1 2 3 4 5 6 7 8 9 10; do rm -rf ${dirs} 2>/dev/null; ls -d ${dirs} >/dev/null 2>&1 || break; sleep 0.5; done`
      : '',
  ].filter(Boolean).join('; ');
  const watchdog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref(): void }).unref();
  return () => {
    watchdog.kill('SIGKILL');
  };
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole process group (for code-server: wrapper, server, extension host, pty
 *  host, file watcher), then SIGKILL if anything is left after the grace period. */
export async function killGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pgid = child.pid!;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      // group already gone
    }
  };
  signalGroup('SIGTERM');
  let deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await delay(50);
  if (groupAlive(pgid)) {
    signalGroup('SIGKILL');
    deadline = Date.now() + 5_000;
    while (groupAlive(pgid) && Date.now() < deadline) await delay(50);
    if (groupAlive(pgid)) throw new Error(`process group ${pgid} survived SIGKILL for 5 s`);
  }
}
