// The Docker failures users meet, as errors that say what failed, where, and what to do
// (the troubleshooting section of the runtime description, word for word where it has one).
import { TmuxAgentsError, errorMessage, type ErrorCode } from '../../core/errors';
import { describeEndpoint, type DockerEndpoint } from './dockerSocket';

export const DEFAULT_IMAGE = 'tmux-agents-base:latest';
export const BUILD_COMMAND = 'cd docker && ./build.sh';

/** Socket and network failures: the daemon never answered, as opposed to answering "no". */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ENOENT', 'EACCES', 'EPERM', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH',
  'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENOTSOCK', 'ECONNABORTED',
]);

/** HTTP status of a docker-modem error, if the daemon answered. */
export function httpStatus(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CONNECTION_CODES.has(code) && httpStatus(e) === undefined;
}

/** The daemon's own message ("No such container: x") rather than docker-modem's wrapper. */
export function daemonMessage(e: unknown): string {
  const json = (e as { json?: unknown } | undefined)?.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message;
  }
  if (typeof json === 'string' && json.trim()) return json.trim();
  if (Buffer.isBuffer(json) && json.length) return json.toString('utf8').trim();
  return errorMessage(e).replace(/^\(HTTP code \d+\)\s*/, '').trim();
}

export function daemonUnreachable(ep: DockerEndpoint, cause: unknown): TmuxAgentsError {
  const code = (cause as { code?: string } | undefined)?.code;
  const why = code === 'ENOENT' && ep.socketPath ? `no socket at ${ep.socketPath}` : errorMessage(cause);
  let hint: string;
  if (code === 'EACCES' || code === 'EPERM') {
    hint = `Your user may not open ${ep.socketPath ?? ep.url}: add it to the docker group ("sudo usermod -aG docker $USER", then log in again), or use Docker Desktop or rootless Docker.`;
  } else {
    const where = ep.contextName
      ? `the docker context "${ep.contextName}" points there; start that daemon or switch context ("docker context use default")`
      : ep.source === 'DOCKER_HOST'
        ? 'DOCKER_HOST points there; start that daemon or unset DOCKER_HOST'
        : ep.source === 'setting'
          ? 'the runtime\'s socketPath setting points there; start that daemon or fix the setting'
          : 'start Docker Desktop, or "sudo systemctl start docker" (Linux), "colima start", or "podman machine start"';
    hint = `Is Docker running? ${where[0]!.toUpperCase()}${where.slice(1)}. Check with "docker ${[...ep.cliArgs, 'info'].join(' ')}".`;
  }
  return new TmuxAgentsError('runtime-unreachable', `Docker daemon is not reachable at ${describeEndpoint(ep)}: ${why}.`, hint, { cause });
}

export function imageNotFound(image: string, ep: DockerEndpoint, cause?: unknown): TmuxAgentsError {
  const ours = image === DEFAULT_IMAGE || image.startsWith('tmux-agents-base:');
  return new TmuxAgentsError(
    'image-not-found',
    `image not found: ${image} (on ${describeEndpoint(ep)}).`,
    ours
      ? `Build the image: ${BUILD_COMMAND}${ep.cliArgs.length ? ` (with DOCKER_HOST or "docker context use" set to this daemon)` : ''}.`
      : `Pull or build it ("docker ${[...ep.cliArgs, 'pull', image].join(' ')}"), or set the runtime's image to one that exists.`,
    { cause },
  );
}

/** The container started but its tmux session never became usable. */
export function sessionNotReady(opts: { containerId: string; containerName: string; logTail: string; cause: unknown }): TmuxAgentsError {
  const id = opts.containerId.slice(0, 12);
  const logs = opts.logTail.trim() ? `Last lines of its log:\n${opts.logTail.trimEnd()}` : 'Its log is empty.';
  return new TmuxAgentsError(
    'timeout',
    `Tmux session did not become ready in container ${id} (${opts.containerName}): ${errorMessage(opts.cause)}\n${logs}`,
    `Check container logs: docker logs ${id} (the container was removed so nothing is left behind; the lines above are its log).`,
    { cause: opts.cause },
  );
}

/**
 * Any other failed Engine API call: unreachable daemons get the unreachable error; the
 * rest say which call failed on which daemon, with the daemon's message.
 */
export function dockerApiError(e: unknown, what: string, ep: DockerEndpoint, code: ErrorCode = 'spawn-failed', hint?: string): TmuxAgentsError {
  if (e instanceof TmuxAgentsError) return e;
  if (isConnectionError(e)) return daemonUnreachable(ep, e);
  const status = httpStatus(e);
  return new TmuxAgentsError(code, `${what} failed on ${describeEndpoint(ep)}${status ? ` (HTTP ${status})` : ''}: ${daemonMessage(e)}.`, hint, { cause: e });
}
