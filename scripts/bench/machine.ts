// The machine a run measured: what docs/benchmarks.md must state next to the figures.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, hostname, loadavg, release, totalmem, uptime } from 'node:os';
import type { MachineInfo } from './results';

function quiet(file: string, args: string[]): string | undefined {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Like `uptime`: "up 52 min, load average: 7.60, 8.58, 7.38". */
export function loadNow(): string {
  const min = Math.floor(uptime() / 60);
  return `up ${min >= 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min} min`}, load average: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
}

export function describeMachine(dockerEngine: string | undefined): MachineInfo {
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)"?$/m)?.[1] : undefined;
  return {
    date: new Date().toISOString(),
    hostname: hostname(),
    nproc: Number(quiet('nproc', [])) || availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    os: osRelease ?? process.platform,
    node: process.version,
    dockerEngine,
    tmux: quiet('tmux', ['-V']),
    cgroup: existsSync('/sys/fs/cgroup/memory/memory.usage_in_bytes') ? 'v1' : existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'unknown',
    loadBefore: loadNow(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  };
}
