// Idle memory of an agent, read from the kernel: the resident set of a process tree
// (/proc/<pid>/status VmRSS) for agents on this machine, and the container's memory cgroup
// for agents in containers (cgroup v1: memory.usage_in_bytes and memory.stat; v2:
// memory.current and memory.stat). Container processes are visible from the host by their
// host pids, listed in the cgroup's cgroup.procs.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const MiB = 1024 * 1024;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Children of every process, from /proc/<pid>/stat. */
function childMap(): Map<number, number[]> {
  const kids = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = kids.get(ppid) ?? [];
    list.push(Number(name));
    kids.set(ppid, list);
  }
  return kids;
}

/** `pid` and all its descendants that are alive now. */
export function processTree(pid: number): number[] {
  const kids = childMap();
  const out: number[] = [];
  const walk = (p: number) => {
    if (!existsSync(`/proc/${p}`)) return;
    out.push(p);
    for (const k of kids.get(p) ?? []) walk(k);
  };
  walk(pid);
  return out;
}

export function isAlive(pid: number): boolean {
  const stat = readText(`/proc/${pid}/stat`);
  return !!stat && !/^\S+ \(.*\) Z/.test(stat);
}

export interface ProcessMemory {
  pid: number;
  name: string;
  rssMiB: number;
}

export function processMemory(pid: number): ProcessMemory | undefined {
  const status = readText(`/proc/${pid}/status`);
  if (!status) return undefined;
  const name = status.match(/^Name:\s*(.*)$/m)?.[1] ?? '?';
  const rssKiB = Number(status.match(/^VmRSS:\s*(\d+)\s*kB/m)?.[1] ?? 0);
  return { pid, name, rssMiB: rssKiB / 1024 };
}

/** Sum of VmRSS over a process tree (shared pages are counted in each process). */
export function treeRss(pid: number): { rssMiB: number; byProcess: Record<string, number> } {
  return sumByName(processTree(pid).map(processMemory).filter((m): m is ProcessMemory => !!m));
}

function sumByName(list: ProcessMemory[]): { rssMiB: number; byProcess: Record<string, number> } {
  const byProcess: Record<string, number> = {};
  let rssMiB = 0;
  for (const m of list) {
    byProcess[m.name] = (byProcess[m.name] ?? 0) + m.rssMiB;
    rssMiB += m.rssMiB;
  }
  return { rssMiB, byProcess };
}

export interface CgroupMemory {
  version: 1 | 2;
  path: string;
  /** memory.usage_in_bytes (v1) / memory.current (v2): includes page cache. */
  usageMiB: number;
  /** usage minus inactive file cache (what `docker stats` shows). */
  workingSetMiB: number;
  /** Anonymous memory (v1 total_rss, v2 anon). */
  anonMiB: number;
  /** Page cache charged to the cgroup (v1 total_cache, v2 file). */
  cacheMiB: number;
  /** VmRSS of each process in the cgroup, summed by name. */
  byProcess: Record<string, number>;
}

/** The memory cgroup of the process `pid` (a container's init, as `docker inspect` reports it). */
export function cgroupMemoryOf(pid: number): CgroupMemory | undefined {
  const lines = readText(`/proc/${pid}/cgroup`)?.split('\n') ?? [];
  const v1 = lines.find((l) => /^\d+:([^:]*,)?memory(,[^:]*)?:/.test(l));
  const v2 = lines.find((l) => l.startsWith('0::'));
  const dir = v1 ? join('/sys/fs/cgroup/memory', v1.slice(v1.lastIndexOf(':') + 1)) : v2 ? join('/sys/fs/cgroup', v2.slice(3)) : undefined;
  if (!dir || !existsSync(dir)) return undefined;
  const stat = new Map<string, number>();
  for (const l of (readText(join(dir, 'memory.stat')) ?? '').split('\n')) {
    const [k, v] = l.split(' ');
    if (k && v) stat.set(k, Number(v));
  }
  const procs = (readText(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean).map(Number);
  const { byProcess } = sumByName(procs.map(processMemory).filter((m): m is ProcessMemory => !!m));
  if (v1) {
    const usage = Number(readText(join(dir, 'memory.usage_in_bytes')) ?? NaN);
    const inactive = stat.get('total_inactive_file') ?? 0;
    return { version: 1, path: dir, usageMiB: usage / MiB, workingSetMiB: (usage - inactive) / MiB, anonMiB: (stat.get('total_rss') ?? NaN) / MiB, cacheMiB: (stat.get('total_cache') ?? NaN) / MiB, byProcess };
  }
  const usage = Number(readText(join(dir, 'memory.current')) ?? NaN);
  const inactive = stat.get('inactive_file') ?? 0;
  return { version: 2, path: dir, usageMiB: usage / MiB, workingSetMiB: (usage - inactive) / MiB, anonMiB: (stat.get('anon') ?? NaN) / MiB, cacheMiB: (stat.get('file') ?? NaN) / MiB, byProcess };
}
