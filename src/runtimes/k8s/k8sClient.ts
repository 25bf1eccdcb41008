// @kubernetes/client-node, loaded on first use (activation never pays for it: it is
// large), and a KubeConfig for exactly the configured file and context. client-node 1.x
// is an ES module; esbuild bundles it into the extension's CommonJS output.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { TmuxAgentsError, errorMessage } from '../../core/errors';
import type { K8sWhere } from './k8sErrors';

export type ClientNode = typeof import('@kubernetes/client-node');

let loading: Promise<ClientNode> | undefined;

export function loadClientNode(): Promise<ClientNode> {
  loading ??= import('@kubernetes/client-node').catch((e: unknown) => {
    loading = undefined; // a broken install may be repaired; try again next time
    throw new TmuxAgentsError('unsupported', `The Kubernetes client library could not be loaded: ${errorMessage(e)}.`, 'Reinstall the extension.', { cause: e });
  });
  return loading;
}

export interface K8sClients {
  k8s: ClientNode;
  kc: KubeConfig;
  core: CoreV1Api;
  /** The context in use; '' for in-cluster configuration (no kubeconfig). */
  context: string;
  server: string;
  /** The kubeconfig file given in the runtime's options (attach passes it to kubectl). */
  kubeconfigPath?: string;
}

export interface KubeconfigSource {
  kubeconfigPath?: string;
  context?: string;
  namespace: string;
  env?: Readonly<Record<string, string | undefined>>;
  homeDir?: string;
}

export function whereOf(c: Pick<K8sClients, 'context' | 'server'>, namespace: string): K8sWhere {
  return { context: c.context || 'in-cluster', server: c.server, namespace };
}

/** The kubeconfig files kubectl would read, in its order. */
export function kubeconfigFiles(src: KubeconfigSource): string[] {
  const env = src.env ?? process.env;
  if (src.kubeconfigPath) return [src.kubeconfigPath];
  const list = env.KUBECONFIG?.split(delimiter).filter((p) => p.trim()) ?? [];
  if (list.length) return list;
  return [join(src.homeDir ?? homedir(), '.kube', 'config')];
}

function invalid(message: string, hint?: string, cause?: unknown): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', message, hint, { cause });
}

function loadKubeConfig(k8s: ClientNode, src: KubeconfigSource): { kc: KubeConfig; inCluster: boolean } {
  const env = src.env ?? process.env;
  const kc = new k8s.KubeConfig();
  const files = kubeconfigFiles(src).filter((f) => existsSync(f));
  if (src.kubeconfigPath && !files.length) {
    throw invalid(`The kubeconfig file ${src.kubeconfigPath} does not exist.`, 'Fix the runtime\'s kubeconfigPath setting, or remove it to use KUBECONFIG or ~/.kube/config.');
  }
  if (!files.length) {
    // VS Code itself may run in a pod (code-server): use its service account, as kubectl does.
    if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) {
      kc.loadFromCluster();
      return { kc, inCluster: true };
    }
    throw invalid(`No kubeconfig found (looked for ${kubeconfigFiles(src).join(', ')}).`, 'Set KUBECONFIG, create ~/.kube/config (e.g. with your cloud CLI), or set the runtime\'s kubeconfigPath.');
  }
  for (const [i, file] of files.entries()) {
    try {
      if (i === 0) {
        kc.loadFromFile(file);
      } else {
        // Like kubectl: later files add entries; the first file's current-context wins.
        const more = new k8s.KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more, true);
      }
    } catch (e) {
      throw invalid(`The kubeconfig file ${file} cannot be read: ${errorMessage(e)}.`, 'Fix the file, or point the runtime\'s kubeconfigPath at another one.', e);
    }
  }
  return { kc, inCluster: false };
}

/** A client for the configured kubeconfig and context; throws a clear error for a bad configuration. */
export async function createK8sClients(src: KubeconfigSource): Promise<K8sClients> {
  const k8s = await loadClientNode();
  const { kc, inCluster } = loadKubeConfig(k8s, src);
  const known = kc.getContexts().map((c) => c.name);
  if (src.context !== undefined && !inCluster) {
    if (!kc.getContextObject(src.context)) {
      throw invalid(`The kubeconfig has no context "${src.context}".`, known.length ? `Its contexts: ${known.join(', ')}. Fix the runtime's context setting.` : 'It has no contexts at all.');
    }
    kc.setCurrentContext(src.context);
  }
  const context = inCluster ? '' : kc.getCurrentContext();
  if (!inCluster && (!context || !kc.getContextObject(context))) {
    throw invalid('The kubeconfig has no current context.', known.length ? `Set the runtime's context to one of: ${known.join(', ')}.` : 'Add a cluster to it (e.g. with your cloud CLI).');
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw invalid(`Context "${context}" of the kubeconfig names no cluster with a server address.`, 'Fix the kubeconfig or choose another context.');
  }
  return { k8s, kc, core: kc.makeApiClient(k8s.CoreV1Api), context, server: cluster.server, kubeconfigPath: src.kubeconfigPath };
}
