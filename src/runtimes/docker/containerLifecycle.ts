// Steps of an agent container's life that spawn, kill and restore share: the checks before
// creating one, waiting until tmux answers in it, and removing it without leftovers.
import { statSync, type Stats } from 'node:fs';
import type Dockerode from 'dockerode';
import { pollUntil } from '../../core/async';
import { TmuxAgentsError, errorMessage, isTmuxAgentsError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { TmuxService } from '../../tmux/tmuxService';
import { containerLogTail } from './containerLogs';
import { daemonUnreachable, dockerApiError, httpStatus, imageNotFound, isConnectionError, sessionNotReady } from './dockerErrors';
import type { DockerEndpoint } from './dockerSocket';

const STOP_GRACE_S = 2;
const TMUX_UP_TIMEOUT_MS = 15_000;

/** The workspace must be a folder; only checkable when the daemon shares this machine's files. */
export function checkWorkspace(dir: string, ep: DockerEndpoint): Stats | undefined {
  if (!dir) throw new TmuxAgentsError('invalid-input', 'No working directory given.');
  if (!ep.isLocal) return undefined;
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory()) {
    throw new TmuxAgentsError('invalid-input', `Working directory ${JSON.stringify(dir)} does not exist or is not a folder.`, 'Pick an existing folder to mount at /workspace.');
  }
  return st;
}

/** Resolves to the image's Env; image-not-found (with the build command) when it is missing. */
export async function checkImage(docker: Dockerode, image: string, ep: DockerEndpoint): Promise<string[]> {
  try {
    return (await docker.getImage(image).inspect()).Config?.Env ?? [];
  } catch (e) {
    if (httpStatus(e) === 404) throw imageNotFound(image, ep, e);
    throw dockerApiError(e, `Looking up image ${image}`, ep);
  }
}

/** The Engine refuses NanoCpus above its CPU count: a default is capped, an explicit value is an error. */
export function fitCpus(cpus: number, daemonCpus: number | undefined, explicit: boolean, ep: DockerEndpoint): number {
  if (daemonCpus === undefined || cpus <= daemonCpus) return cpus;
  if (!explicit) return daemonCpus;
  throw new TmuxAgentsError('invalid-input', `The agent asks for ${cpus} CPUs but the Docker daemon at ${ep.url} has ${daemonCpus}.`, `Use at most ${daemonCpus}.`);
}

/** Until tmux answers in the container (normally the first try); a container that died says why. */
export async function waitForTmux(container: Dockerode.Container, name: string, tmux: TmuxService, signal?: AbortSignal): Promise<void> {
  let last: unknown;
  const ok = await pollUntil(
    async () => {
      signal?.throwIfAborted();
      try {
        await tmux.version();
        return true;
      } catch (e) {
        if (!isTmuxAgentsError(e, 'tmux-no-server')) throw e; // not installed, unreachable, ...
        last = e;
        const st = await container.inspect().catch(() => undefined);
        if (st && !st.State.Running && !st.State.Restarting) {
          throw sessionNotReady({ containerId: container.id, containerName: name, logTail: await containerLogTail(container), cause: new Error(`the container exited with code ${st.State.ExitCode}`) });
        }
        return undefined;
      }
    },
    { timeoutMs: TMUX_UP_TIMEOUT_MS, intervalMs: 20, maxIntervalMs: 250, signal },
  );
  if (!ok) throw sessionNotReady({ containerId: container.id, containerName: name, logTail: await containerLogTail(container), cause: last ?? new Error('tmux did not answer') });
}

/** Stop (short grace: the init forwards SIGTERM), then remove with its anonymous volumes. */
export async function removeAgentContainer(docker: Dockerode, id: string, ep: DockerEndpoint, log: Logger): Promise<void> {
  const c = docker.getContainer(id);
  try {
    await c.stop({ t: STOP_GRACE_S });
  } catch (e) {
    if (isConnectionError(e)) throw daemonUnreachable(ep, e);
    const s = httpStatus(e);
    if (s !== 304 && s !== 404) log.debug(`Stopping ${id.slice(0, 12)}: ${errorMessage(e)}; removing it by force`);
  }
  try {
    await c.remove({ v: true, force: true });
  } catch (e) {
    if (httpStatus(e) === 404) return; // already gone
    // 409 "removal already in progress": wait for the daemon to finish it.
    if (httpStatus(e) === 409) {
      const gone = await pollUntil(async () => ((await c.inspect().then(() => false, (ie: unknown) => httpStatus(ie) === 404)) ? true : undefined), { timeoutMs: 10_000 });
      if (gone) return;
    }
    throw dockerApiError(e, `Removing container ${id.slice(0, 12)}`, ep, 'spawn-failed');
  }
}
