// What a Kubernetes runtime is configured with (one `tmuxAgents.runtimes` entry of type
// "k8s", plus what the extension injects), its defaults, and the checks that reject a bad
// configuration at registration, before anything talks to a cluster.
import { TmuxAgentsError } from '../../core/errors';
import { validateRuntimeId } from '../../core/ids';
import type { Logger } from '../../core/log';
import type { ProviderCatalog } from '../../core/providers';
import { DEFAULT_IMAGE } from '../docker/dockerErrors';
import { isValidLabelValue } from './labels';
import { cpuQuantity, memoryQuantity, storageQuantity } from './quantity';

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface K8sRuntimeOptions {
  /** Registry id; stamped on every pod (label tmux-agents.runtime-id), so runtimes never see each other's agents. */
  id: string;
  /** Tree label. Default "Kubernetes: <context>/<namespace>". */
  label?: string;
  /** kubeconfig context. Default: the kubeconfig's current context. */
  context?: string;
  /** kubeconfig file. Default: KUBECONFIG (a path list, merged like kubectl does), else ~/.kube/config. */
  kubeconfigPath?: string;
  /** Namespace of the agents' pods; created when missing if the user may. Default "tmux-agents". */
  namespace?: string;
  /** Default "tmux-agents-base:latest"; on a real cluster, push it to a registry the nodes can pull from. */
  image?: string;
  /** Default: the cluster's (Always for :latest tags). "IfNotPresent" suits images loaded into kind/minikube. */
  imagePullPolicy?: ImagePullPolicy;
  /** Memory request and limit when the agent sets none: a quantity ("4Gi") or bytes. Default "4Gi". */
  defaultMemory?: string | number;
  /** CPU request and limit when the agent sets none: a quantity ("2000m") or CPUs. Default "2000m". */
  defaultCpus?: string | number;
  /** Storage class of a per-agent PersistentVolumeClaim at /workspace. Setting it (or volumeSize) turns the claim on. */
  storageClassName?: string;
  /** Size of the per-agent claim. Default "10Gi" when a claim is used. */
  volumeSize?: string;
  /** Keep the agent's claim when the agent is killed; a new agent with the same id reuses it. Default false. */
  keepVolume?: boolean;
  /** Secrets (names) with registry credentials for the image. */
  imagePullSecrets?: string[];
  nodeSelector?: Record<string, string>;
  /** Service account of the pods. When unset, no service account token is mounted into agent pods. */
  serviceAccountName?: string;
  providers?: ProviderCatalog;
  /** How long an agent CLI may take to show its ready screen. Default 30 s. */
  readyTimeoutMs?: number;
  /** Per tmux command (one exec). Default 10 s. */
  commandTimeoutMs?: number;
  /** How long a pod may take to run (scheduling, image pull). Default 180 s. */
  podStartTimeoutMs?: number;
  /** How long kill waits for the pod (and claim) to be gone. Default 60 s. */
  deleteTimeoutMs?: number;
  logger?: Logger;
  /** Discovery inputs, for tests: the environment and home folder to read (default: this process's). */
  environment?: { env?: Readonly<Record<string, string | undefined>>; homeDir?: string };
}

export const DEFAULTS = {
  namespace: 'tmux-agents',
  image: DEFAULT_IMAGE,
  defaultMemory: '4Gi',
  defaultCpus: '2000m',
  volumeSize: '10Gi',
  readyTimeoutMs: 30_000,
  commandTimeoutMs: 10_000,
  podStartTimeoutMs: 180_000,
  deleteTimeoutMs: 60_000,
} as const;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_KEY_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function invalid(id: string, message: string, hint?: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', `Kubernetes runtime "${id}": ${message}`, hint);
}

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && LABEL_KEY_NAME.test(name);
}

function checkSubdomain(id: string, what: string, v: string): void {
  if (v.length > 253 || !DNS1123_SUBDOMAIN.test(v)) {
    throw invalid(id, `${what} ${JSON.stringify(v)} is not a valid Kubernetes name.`, 'Use lowercase letters, digits, "-" and ".".');
  }
}

/** The options with defaults applied; what the runtime works from. */
export interface ResolvedK8sOptions {
  namespace: string;
  image: string;
  imagePullPolicy?: ImagePullPolicy;
  defaultMemory: string;
  defaultCpus: string;
  /** Set when agents get a PersistentVolumeClaim. */
  claim?: { storageClassName?: string; size: string; keep: boolean };
  imagePullSecrets: string[];
  nodeSelector: Record<string, string>;
  serviceAccountName?: string;
}

/** Checks the runtime's own options (the constructor calls it) and applies the defaults. */
export function resolveOptions(o: K8sRuntimeOptions): ResolvedK8sOptions {
  validateRuntimeId(o.id);
  const id = o.id;
  const namespace = o.namespace ?? DEFAULTS.namespace;
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    throw invalid(id, `namespace ${JSON.stringify(namespace)} is not a valid namespace name.`, 'Use up to 63 lowercase letters, digits and "-", starting and ending with a letter or digit.');
  }
  if (o.context !== undefined && !o.context.trim()) throw invalid(id, 'context is empty.', 'Remove it to use the kubeconfig\'s current context.');
  if (o.kubeconfigPath !== undefined && !o.kubeconfigPath.trim()) throw invalid(id, 'kubeconfigPath is empty.', 'Remove it to use KUBECONFIG or ~/.kube/config.');
  const image = o.image ?? DEFAULTS.image;
  if (!image.trim() || /\s/.test(image)) throw invalid(id, `image ${JSON.stringify(image)} is not an image reference.`);
  if (o.imagePullPolicy !== undefined && !['Always', 'IfNotPresent', 'Never'].includes(o.imagePullPolicy)) {
    throw invalid(id, `imagePullPolicy ${JSON.stringify(o.imagePullPolicy)} is not one of Always, IfNotPresent, Never.`);
  }
  const defaultMemory = memoryQuantity(o.defaultMemory ?? DEFAULTS.defaultMemory, `Kubernetes runtime "${id}": defaultMemory`);
  const defaultCpus = cpuQuantity(o.defaultCpus ?? DEFAULTS.defaultCpus, `Kubernetes runtime "${id}": defaultCpus`);
  if (o.storageClassName !== undefined) checkSubdomain(id, 'storageClassName', o.storageClassName);
  const claimed = o.storageClassName !== undefined || o.volumeSize !== undefined;
  const size = storageQuantity(o.volumeSize ?? DEFAULTS.volumeSize, `Kubernetes runtime "${id}": volumeSize`);
  if (o.keepVolume && !claimed) {
    throw invalid(id, 'keepVolume needs a persistent workspace.', 'Set storageClassName or volumeSize as well (the default emptyDir workspace always goes with its pod).');
  }
  for (const s of o.imagePullSecrets ?? []) checkSubdomain(id, 'imagePullSecrets entry', s);
  for (const [k, v] of Object.entries(o.nodeSelector ?? {})) {
    if (!isLabelKey(k) || typeof v !== 'string' || !isValidLabelValue(v)) {
      throw invalid(id, `nodeSelector entry ${JSON.stringify(k)}: ${JSON.stringify(v)} is not a valid node label.`);
    }
  }
  if (o.serviceAccountName !== undefined) checkSubdomain(id, 'serviceAccountName', o.serviceAccountName);
  for (const key of ['readyTimeoutMs', 'commandTimeoutMs', 'podStartTimeoutMs', 'deleteTimeoutMs'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isFinite(v) || v <= 0)) throw invalid(id, `${key} ${v} must be a positive number of milliseconds.`);
  }
  return {
    namespace,
    image,
    imagePullPolicy: o.imagePullPolicy,
    defaultMemory,
    defaultCpus,
    claim: claimed ? { storageClassName: o.storageClassName, size, keep: o.keepVolume ?? false } : undefined,
    imagePullSecrets: [...(o.imagePullSecrets ?? [])],
    nodeSelector: { ...(o.nodeSelector ?? {}) },
    serviceAccountName: o.serviceAccountName,
  };
}
