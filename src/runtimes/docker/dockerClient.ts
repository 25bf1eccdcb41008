// dockerode, loaded on first use so activating the extension never pays for it (it pulls
// in docker-modem, ssh2 and friends), and configured for exactly the discovered endpoint.
import { readFileSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { TmuxAgentsError, errorMessage } from '../../core/errors';
import type { DockerEndpoint } from './dockerSocket';

type DockerodeClass = typeof Dockerode;
let loading: Promise<DockerodeClass> | undefined;

export function loadDockerode(): Promise<DockerodeClass> {
  loading ??= import('dockerode').then((m) => (m as unknown as { default?: DockerodeClass }).default ?? (m as unknown as DockerodeClass));
  return loading;
}

/**
 * docker-modem merges these over defaults it derives from DOCKER_HOST, so every key is set
 * explicitly (undefined included): a DOCKER_HOST in the environment must not redirect an
 * endpoint that came from a setting or a context.
 */
export function modemOptions(ep: DockerEndpoint, readFile: (path: string) => Buffer = readFileSync): Dockerode.DockerOptions {
  const base: Dockerode.DockerOptions = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, username: undefined };
  switch (ep.kind) {
    case 'unix':
    case 'npipe':
      return { ...base, socketPath: ep.socketPath };
    case 'tcp': {
      if (!ep.tls) return { ...base, host: ep.host, port: ep.port, protocol: 'http' };
      const read = (what: string, p: string | undefined) => {
        if (!p) return undefined;
        try {
          return readFile(p);
        } catch (e) {
          throw new TmuxAgentsError('invalid-input', `Cannot read the TLS ${what} ${p} for the Docker daemon at ${ep.url}: ${errorMessage(e)}.`, 'Check DOCKER_CERT_PATH or the docker context\'s TLS files.');
        }
      };
      return { ...base, host: ep.host, port: ep.port, protocol: 'https', ca: read('CA certificate', ep.tls.ca), cert: read('client certificate', ep.tls.cert), key: read('client key', ep.tls.key) };
    }
    case 'ssh':
      return { ...base, host: ep.host, port: ep.port, protocol: 'ssh', username: ep.username, sshOptions: { agent: process.env.SSH_AUTH_SOCK } };
  }
}

export async function createDockerClient(ep: DockerEndpoint): Promise<Dockerode> {
  const Docker = await loadDockerode();
  try {
    return new Docker(modemOptions(ep));
  } catch (e) {
    if (e instanceof TmuxAgentsError) throw e;
    // docker-modem validates DOCKER_HOST even when we pass our own endpoint.
    throw new TmuxAgentsError('invalid-input', `Cannot set up a Docker client for ${ep.url}: ${errorMessage(e)}.`, 'Check DOCKER_HOST and the runtime\'s socketPath setting.', { cause: e });
  }
}
