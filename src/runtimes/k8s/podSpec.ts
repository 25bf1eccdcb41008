// The exact Pod (and PersistentVolumeClaim) an agent gets: pure functions of the agent's
// config and the runtime's options, so unit tests pin every field. Bad input throws here,
// before anything exists on the cluster.
import type { V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { TmuxAgentsError } from '../../core/errors';
import type { ResourceLimits } from '../../core/types';
import { taskSummary } from '../../tmux/sessionLabels';
import { WORKSPACE_DIR, utf8LocaleEnv } from '../docker/containerSpec';
import { CONTAINER_HOME } from '../docker/credentialMounts';
import type { ImagePullPolicy, ResolvedK8sOptions } from './k8sRuntimeOptions';
import { ANNOTATION, LABEL, agentLabels, labelValue } from './labels';
import { MIN_CPU_CORES, MIN_MEMORY_BYTES, formatCpu, formatMemory } from './quantity';
import { RUN_DIR } from './secretEnv';

export const CONTAINER_NAME = 'agent';
/** The image's `agent` user (docker/Dockerfile AGENT_UID/AGENT_GID). */
export const AGENT_UID = 1000;
export const AGENT_GID = 1000;
/** Long enough for tmux to exit cleanly, short enough that deletes are quick. */
export const TERMINATION_GRACE_SECONDS = 2;

/**
 * PID 1 of the pod. Nothing runs as PID 1 on Kubernetes unless the image brings an init,
 * and PID 1 ignores SIGTERM without a handler, so a bare `sleep` would make every delete
 * wait out the grace period. This shell exits on TERM at once; tmux is started by exec.
 */
export const KEEP_ALIVE_COMMAND = ['/bin/sh', '-c', 'trap "exit 0" TERM INT HUP; while :; do sleep 86400 & wait $!; done'];

export interface PodSpecInput {
  runtimeId: string;
  agentId: string;
  sessionName: string;
  provider: string;
  createdAt: Date;
  task?: string;
  /** The VS Code folder the agent was started for; recorded only. */
  sourceFolder?: string;
  podName: string;
  namespace: string;
  image: string;
  imagePullPolicy?: ImagePullPolicy;
  /** Checked quantity strings (see quantity.ts / agentResources). */
  memory: string;
  cpu: string;
  /** Plain environment of the agent (not secrets: those never enter the pod spec, see secretEnv.ts). */
  env?: Readonly<Record<string, string>>;
  /** PVC mounted at /workspace; an emptyDir when undefined. */
  claimName?: string;
  imagePullSecrets?: readonly string[];
  nodeSelector?: Readonly<Record<string, string>>;
  serviceAccountName?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by the pod itself; an agent's env must not override them. */
const RESERVED_ENV = new Set(['HOME', 'TERM']);

function invalid(message: string, hint?: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', message, hint);
}

/** Requests and limits of an agent: its own resources, else the runtime's defaults. */
export function agentResources(resources: ResourceLimits | undefined, defaults: Pick<ResolvedK8sOptions, 'defaultMemory' | 'defaultCpus'>): { memory: string; cpu: string } {
  let memory = defaults.defaultMemory;
  let cpu = defaults.defaultCpus;
  if (resources?.memory !== undefined) {
    if (!Number.isSafeInteger(resources.memory) || resources.memory < MIN_MEMORY_BYTES) {
      throw invalid(`Memory limit ${resources.memory} is not a whole number of bytes of at least 6 MiB.`, 'Give memory in bytes, e.g. 4294967296 for 4 GiB.');
    }
    memory = formatMemory(resources.memory);
  }
  if (resources?.cpus !== undefined) {
    if (!Number.isFinite(resources.cpus) || resources.cpus < MIN_CPU_CORES) throw invalid(`CPU limit ${resources.cpus} must be at least 0.001 CPUs.`);
    cpu = formatCpu(resources.cpus);
  }
  return { memory, cpu };
}

function checkEnv(env: Readonly<Record<string, string>> | undefined): void {
  for (const [k, v] of Object.entries(env ?? {})) {
    if (!ENV_NAME.test(k)) throw invalid(`Invalid environment variable name ${JSON.stringify(k)}.`, 'Use letters, digits and underscores, not starting with a digit.');
    if (RESERVED_ENV.has(k)) throw invalid(`Environment variable ${k} is set by the Kubernetes runtime itself.`, `Remove ${k} from the agent's environment.`);
    if (typeof v !== 'string' || v.includes('\0')) throw invalid(`Environment variable ${k} must be a string without NUL bytes.`);
  }
}

export function buildPodSpec(i: PodSpecInput): V1Pod {
  checkEnv(i.env);
  const summary = taskSummary(i.task);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: i.podName,
      namespace: i.namespace,
      labels: agentLabels(i),
      annotations: {
        [ANNOTATION.runtimeId]: i.runtimeId,
        [ANNOTATION.sessionName]: i.sessionName,
        [ANNOTATION.createdAt]: i.createdAt.toISOString(),
        ...(summary ? { [ANNOTATION.task]: summary } : {}),
        ...(i.sourceFolder ? { [ANNOTATION.sourceFolder]: i.sourceFolder } : {}),
      },
    },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      // An agent needs no Kubernetes API access: without a chosen service account, no token
      // is mounted, so an agent cannot act on the cluster with the namespace's default account.
      ...(i.serviceAccountName ? { serviceAccountName: i.serviceAccountName } : { automountServiceAccountToken: false }),
      enableServiceLinks: false,
      securityContext: {
        runAsUser: AGENT_UID,
        runAsGroup: AGENT_GID,
        runAsNonRoot: true,
        // The workspace volume is group-writable by the agent; only re-chown a PVC when its root is wrong.
        fsGroup: AGENT_GID,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      ...(i.imagePullSecrets?.length ? { imagePullSecrets: i.imagePullSecrets.map((name) => ({ name })) } : {}),
      ...(i.nodeSelector && Object.keys(i.nodeSelector).length ? { nodeSelector: { ...i.nodeSelector } } : {}),
      containers: [
        {
          name: CONTAINER_NAME,
          image: i.image,
          ...(i.imagePullPolicy ? { imagePullPolicy: i.imagePullPolicy } : {}),
          command: [...KEEP_ALIVE_COMMAND],
          workingDir: WORKSPACE_DIR,
          env: [
            // HOME explicitly: a uid the image's /etc/passwd lacks would otherwise get "/".
            { name: 'HOME', value: CONTAINER_HOME },
            // `kubectl exec -it` passes no TERM; tmux attach needs one.
            { name: 'TERM', value: 'xterm-256color' },
            // tmux needs a UTF-8 locale (else tabs and non-ASCII become "_"). The image's own
            // environment is not known here, so this only adds LC_CTYPE unless the agent sets a
            // locale; pod env overrides image env, and an image's LC_ALL still wins over it.
            ...Object.entries(utf8LocaleEnv([], { ...i.env }))
              .filter(([name]) => !(name in (i.env ?? {})))
              .map(([name, value]) => ({ name, value })),
            ...Object.entries(i.env ?? {}).map(([name, value]) => ({ name, value })),
          ],
          resources: {
            // Requests equal to limits: the scheduler reserves what the agent may use, and
            // the pod is the last to be evicted (Guaranteed QoS).
            requests: { cpu: i.cpu, memory: i.memory },
            limits: { cpu: i.cpu, memory: i.memory },
          },
          securityContext: {
            allowPrivilegeEscalation: false,
            privileged: false,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'workspace', mountPath: WORKSPACE_DIR },
            { name: 'run', mountPath: RUN_DIR },
          ],
        },
      ],
      volumes: [
        i.claimName ? { name: 'workspace', persistentVolumeClaim: { claimName: i.claimName } } : { name: 'workspace', emptyDir: {} },
        // Scratch in memory for the secret-env hand-over (secretEnv.ts): never on a node's disk.
        { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
      ],
    },
  };
}

export interface ClaimSpecInput {
  runtimeId: string;
  agentId: string;
  name: string;
  namespace: string;
  size: string;
  storageClassName?: string;
}

export function buildClaimSpec(i: ClaimSpecInput): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: i.name,
      namespace: i.namespace,
      labels: { [LABEL.marker]: 'true', [LABEL.runtimeId]: labelValue(i.runtimeId), [LABEL.agentId]: labelValue(i.agentId) },
      annotations: { [ANNOTATION.runtimeId]: i.runtimeId },
    },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: i.size } },
      // Omitted (not "") when unset: "" would mean "no class" and disable dynamic provisioning.
      ...(i.storageClassName !== undefined ? { storageClassName: i.storageClassName } : {}),
    },
  };
}
