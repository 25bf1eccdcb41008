// A Kubernetes API server for tests: the real wire protocol (discovery, pods, namespaces,
// events, PVCs, quotas, watch, logs, exec over WebSocket) for the resources the
// extension's K8sRuntime uses, with every pod run as real Docker containers. It writes a
// kubeconfig that kubectl and @kubernetes/client-node use unchanged.
//
//   const k8s = await startK8sTestServer();
//   execFileSync('kubectl', ['--kubeconfig', k8s.kubeconfigPath, 'get', 'ns']);
//   await k8s.stop(); // removes every container and volume it made
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ApiHandler } from './apiHandler.ts';
import type { RequestRecord, ServerContext } from './context.ts';
import { DockerKubelet } from './docker/kubelet.ts';
import { LABEL_INSTANCE, ownerLabels } from './docker/labels.ts';
import { sweepLeftovers } from './docker/sweeper.ts';
import { VolumeManager } from './docker/volumes.ts';
import { EventRecorder } from './events.ts';
import { finalizeClaims } from './handlers/claims.ts';
import { BUILTIN_NAMESPACES, ensureNamespace, finalizeNamespace } from './handlers/namespaces.ts';
import { refreshQuotaUsage, setQuota } from './handlers/quotas.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { ObjectStore } from './store.ts';
import { generateTls } from './tls.ts';
import type { Logger } from './types.ts';
import { WatchRegistry } from './watch.ts';

export { sweepLeftovers } from './docker/sweeper.ts';
export { LABEL_INSTANCE, LABEL_MANAGED } from './docker/labels.ts';
export type { RequestRecord } from './context.ts';

export interface K8sTestServerOptions {
  /** kubeconfig context name; default `tmux-agents-test`. */
  contextName?: string;
  /** Namespace set on the kubeconfig context (omitted by default, i.e. `default`). */
  namespace?: string;
  /** Extra namespaces that exist from the start, besides the built-in ones. */
  namespaces?: string[];
  /** Bearer token clients must send; random by default. */
  token?: string;
  /** Docker client; default: dockerode from the environment (DOCKER_HOST or /var/run/docker.sock). */
  docker?: Docker;
  nodeName?: string;
  /** Background failures (Docker errors during a pod's life, exec failures). Default: stderr. */
  log?: Logger;
  /** Remove containers and volumes of earlier servers whose process died. Default true. */
  sweepLeftovers?: boolean;
}

export interface K8sTestServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  kubeconfigPath: string;
  contextName: string;
  token: string;
  caCertPath: string;
  instanceId: string;
  nodeName: string;
  /** Docker label filter matching everything this instance created. */
  dockerLabelFilter: string;
  /** Sets (or with `null` removes) a ResourceQuota, creating the namespace if needed. */
  setQuota(namespace: string, hard: Record<string, string> | null, name?: string): void;
  /** While on, creating a namespace answers 403 Forbidden like missing RBAC permission. */
  setNamespaceCreateForbidden(forbidden: boolean): void;
  /** Every request served so far (method, path, status, exec subprotocols). */
  requests(): readonly RequestRecord[];
  /** Stops serving and removes every container, volume and file this server made. */
  stop(): Promise<void>;
}

function stderrLogger(instanceId: string): Logger {
  return (line) => process.stderr.write(`[k8s-test-server ${instanceId}] ${line}\n`);
}

export async function startK8sTestServer(options: K8sTestServerOptions = {}): Promise<K8sTestServer> {
  const instanceId = randomBytes(4).toString('hex');
  const log = options.log ?? stderrLogger(instanceId);
  const docker = options.docker ?? new Docker();
  const contextName = options.contextName ?? 'tmux-agents-test';
  const nodeName = options.nodeName ?? 'tmux-agents-test-node';
  const token = options.token ?? randomBytes(24).toString('base64url');

  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`the k8s test server needs a Docker daemon, and none answered: ${(err as Error).message}`);
  }
  if (options.sweepLeftovers ?? true) {
    const swept = await sweepLeftovers(docker);
    if (swept.containers.length || swept.volumes.length) {
      log(`removed leftovers of dead test servers: ${swept.containers.length} containers, ${swept.volumes.length} volumes`);
    }
  }

  const dir = await mkdtemp(join(tmpdir(), 'tmux-agents-k8s-'));
  const labels = ownerLabels(instanceId);
  const store = new ObjectStore();
  const volumes = new VolumeManager(docker, labels, instanceId);
  const events = new EventRecorder(store, nodeName);
  const requests: RequestRecord[] = [];
  // The kubelet reports pod changes through this hook. It uses `context`, declared below:
  // it only runs once pods exist, long after that declaration has run.
  const onPodsChanged = (namespace: string): void => {
    refreshQuotaUsage(context, namespace);
    finalizeClaims(context, namespace)
      .then(() => finalizeNamespace(context, namespace))
      .catch((err: unknown) => log(`cleanup in namespace ${namespace}: ${(err as Error).stack ?? String(err)}`));
  };
  const nodeLabels = { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch };
  const kubelet = new DockerKubelet({ docker, store, events, volumes, ownerLabels: labels, instanceId, nodeName, nodeLabels, log, onPodsChanged });
  const context: ServerContext = {
    store,
    docker,
    kubelet,
    volumes,
    events,
    watches: new WatchRegistry(),
    settings: { namespaceCreateForbidden: false, userName: 'tmux-agents-test' },
    nodeName,
    log,
    requests,
  };
  for (const ns of [...BUILTIN_NAMESPACES, ...(options.namespaces ?? [])]) ensureNamespace(context, ns);

  try {
    const tls = await generateTls(dir);
    await kubelet.start();
    const server = createServer({ cert: tls.cert, key: tls.key });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const url = `https://127.0.0.1:${port}`;
    const handler = new ApiHandler(context, token, `127.0.0.1:${port}`);
    server.on('request', (req, res) => void handler.handle(req, res));
    server.on('upgrade', (req, socket, head) => handler.handleUpgrade(req, socket, head));
    server.on('tlsClientError', (err) => log(`TLS handshake failed: ${err.message}`));
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeKubeconfig({ path: kubeconfigPath, server: url, caCert: tls.caCert, token, contextName, namespace: options.namespace });

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        context.watches.endAll();
        handler.close();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await kubelet.stop();
        await closed;
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    };
    return {
      url,
      kubeconfigPath,
      contextName,
      token,
      caCertPath: tls.caCertPath,
      instanceId,
      nodeName,
      dockerLabelFilter: `${LABEL_INSTANCE}=${instanceId}`,
      setQuota: (namespace, hard, name) => setQuota(context, namespace, hard, name),
      setNamespaceCreateForbidden: (forbidden) => {
        context.settings.namespaceCreateForbidden = forbidden;
      },
      requests: () => [...requests],
      stop,
    };
  } catch (err) {
    await kubelet.stop().catch((e: unknown) => log(`cleanup after failed start: ${(e as Error).message}`));
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
