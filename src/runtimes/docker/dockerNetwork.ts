// The bridge network agents join: created when missing, reused when it exists.
// Docker Engine 20.10 lets concurrent creates of one name all succeed (CheckDuplicate is
// not atomic; measured here: 4 of 4 racing creates made 4 networks), and while a name
// matches several networks every container start on it fails as "ambiguous" (the daemon
// resolves the network by name at start, even when the container was created with its
// id). So after creating, every caller picks the same network (the oldest, then the
// lowest id) and removes the extra ones; a start that still meets a duplicate (another
// racer created it after we looked) removes it the same way and tries again.
import type Dockerode from 'dockerode';
import { TmuxAgentsError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { daemonMessage, dockerApiError, httpStatus } from './dockerErrors';
import type { DockerEndpoint } from './dockerSocket';
import { LABEL } from './containerSpec';

/** Built-in networks that always exist and are never created. */
const BUILTIN = new Set(['bridge', 'none']);

interface NetworkRow {
  Id: string;
  Name: string;
  Created?: string;
}

/** Sortable form of the Engine's RFC 3339 timestamps (Go trims trailing zeros of the fraction). */
export function createdKey(created: string | undefined): string {
  if (!created) return '~';
  return created.replace(/(\d{2}:\d{2}:\d{2})(?:\.(\d+))?/, (_m, hms: string, frac: string | undefined) => `${hms}.${(frac ?? '').padEnd(9, '0')}`);
}

export function pickCanonical<T extends NetworkRow>(rows: readonly T[]): T | undefined {
  return [...rows].sort((a, b) => {
    const ka = createdKey(a.Created);
    const kb = createdKey(b.Created);
    return ka < kb ? -1 : ka > kb ? 1 : a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0;
  })[0];
}

async function exactMatches(docker: Dockerode, name: string, ep: DockerEndpoint): Promise<NetworkRow[]> {
  try {
    // The name filter matches substrings; keep exact names only.
    const rows = (await docker.listNetworks({ filters: { name: [name] } })) as NetworkRow[];
    return rows.filter((r) => r.Name === name);
  } catch (e) {
    throw dockerApiError(e, `Listing Docker networks named ${name}`, ep);
  }
}

/** Returns the id to put in HostConfig.NetworkMode. */
export async function ensureNetwork(docker: Dockerode, name: string, ep: DockerEndpoint, log: Logger): Promise<string> {
  if (BUILTIN.has(name)) return name;
  let rows = await exactMatches(docker, name, ep);
  if (rows.length === 0) {
    try {
      await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, Labels: { [LABEL.marker]: 'true' } });
      log.info(`Created Docker network ${name}`);
    } catch (e) {
      // 409: someone else created it first, which is fine (the troubleshooting section says so).
      if (httpStatus(e) !== 409) {
        throw dockerApiError(e, `Creating Docker network ${name}`, ep, 'spawn-failed', 'Create it by hand ("docker network create tmux-agents") or set the runtime\'s network to an existing bridge network.');
      }
    }
    rows = await exactMatches(docker, name, ep);
  }
  const chosen = pickCanonical(rows);
  if (!chosen) {
    throw new TmuxAgentsError('spawn-failed', `Docker network ${name} disappeared right after it was created on ${ep.url}.`, 'Something removes networks (a "docker network prune"?); try again.');
  }
  for (const extra of rows) {
    if (extra.Id === chosen.Id) continue;
    try {
      await docker.getNetwork(extra.Id).remove();
      log.info(`Removed duplicate Docker network ${name} (${extra.Id.slice(0, 12)}) created by a concurrent spawn`);
    } catch (e) {
      // Another caller removed it already (404), or it is in use: harmless, we use the chosen one.
      log.debug(`Leaving duplicate network ${extra.Id.slice(0, 12)}: ${errorMessage(e)}`);
    }
  }
  return chosen.Id;
}

export function isAmbiguousNetworkError(e: unknown): boolean {
  return /network .* is ambiguous/i.test(daemonMessage(e));
}

/** Runs `start`; when it fails on a duplicated network name, dedupes (`ensure`) and retries. */
export async function startDespiteDuplicateNetworks(start: () => Promise<unknown>, ensure: () => Promise<unknown>, attempts = 4): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await start();
      return;
    } catch (e) {
      if (i >= attempts || !isAmbiguousNetworkError(e)) throw e;
      await ensure();
    }
  }
}
