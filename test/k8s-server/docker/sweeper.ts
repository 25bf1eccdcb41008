// Removes containers and volumes left behind by test servers whose process died without
// stop() (a crashed or killed test run), or, on stop(), everything of one instance.
import type Docker from 'dockerode';
import { LABEL_INSTANCE, LABEL_MANAGED, LABEL_OWNER_PID, LABEL_OWNER_START, isOwnerAlive } from './labels.ts';

export interface SweepResult {
  containers: string[];
  volumes: string[];
}

type Labels = Record<string, string> | null | undefined;

function isOrphan(labels: Labels): boolean {
  const pid = Number(labels?.[LABEL_OWNER_PID]);
  const start = labels?.[LABEL_OWNER_START] ?? '';
  return !isOwnerAlive(pid, start);
}

/** 404 means someone else removed it first, which is the outcome we want. */
function ignoreGone(err: unknown): void {
  if ((err as { statusCode?: number }).statusCode !== 404) throw err;
}

async function sweep(docker: Docker, select: (labels: Labels) => boolean, labelFilter: string): Promise<SweepResult> {
  const result: SweepResult = { containers: [], volumes: [] };
  const containers = await docker.listContainers({ all: true, filters: { label: [labelFilter] } });
  await Promise.all(
    containers
      .filter((c) => select(c.Labels))
      .map(async (c) => {
        await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreGone);
        result.containers.push(c.Id);
      }),
  );
  const { Volumes } = await docker.listVolumes({ filters: { label: [labelFilter] } });
  await Promise.all(
    (Volumes ?? [])
      .filter((v) => select(v.Labels))
      .map(async (v) => {
        await docker.getVolume(v.Name).remove().catch(ignoreGone);
        result.volumes.push(v.Name);
      }),
  );
  return result;
}

/** Everything labelled by a test server whose owning process is no longer running. */
export function sweepLeftovers(docker: Docker): Promise<SweepResult> {
  return sweep(docker, isOrphan, `${LABEL_MANAGED}=true`);
}

/** Everything one server instance created (its stop()). */
export function sweepInstance(docker: Docker, instanceId: string): Promise<SweepResult> {
  return sweep(docker, () => true, `${LABEL_INSTANCE}=${instanceId}`);
}
