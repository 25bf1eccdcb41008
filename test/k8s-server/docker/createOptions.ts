// Pod spec -> Docker Engine container-create options: what a kubelet with a Docker CRI
// would set for one container of a pod. Only mapping, no I/O, so it is unit-testable.
import type Docker from 'dockerode';
import { parseQuantity } from '../quantity.ts';
import type { ContainerSpec, Pod, SecurityContext } from '../types.ts';

/** How each pod volume is provided on the Docker side. */
export type VolumeSource = { type: 'volume'; name: string } | { type: 'tmpfs'; sizeBytes: number };

export interface CreateInput {
  pod: Pod;
  container: ContainerSpec;
  labels: Record<string, string>;
  dockerName: string;
  volumes: Map<string, VolumeSource>;
  /** Id of the pod's first container, whose network namespace later containers join. */
  networkOwnerId?: string;
}

/** Container-level security context wins over the pod-level one, field by field. */
export function effectiveSecurityContext(pod: Pod, container: ContainerSpec): SecurityContext {
  const podSc = pod.spec.securityContext ?? {};
  const sc = container.securityContext ?? {};
  return {
    ...sc,
    runAsUser: sc.runAsUser ?? podSc.runAsUser,
    runAsGroup: sc.runAsGroup ?? podSc.runAsGroup,
    runAsNonRoot: sc.runAsNonRoot ?? podSc.runAsNonRoot,
  };
}

function userSpec(sc: SecurityContext): string | undefined {
  if (sc.runAsUser === undefined) return undefined;
  return sc.runAsGroup === undefined ? String(sc.runAsUser) : `${sc.runAsUser}:${sc.runAsGroup}`;
}

function quantity(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseQuantity(text);
}

export function buildCreateOptions(input: CreateInput): Docker.ContainerCreateOptions {
  const { pod, container } = input;
  const sc = effectiveSecurityContext(pod, container);
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const memory = quantity(limits.memory);
  const cpu = quantity(limits.cpu);
  const cpuRequest = quantity(requests.cpu);
  const memoryRequest = quantity(requests.memory);

  const mounts: Docker.MountSettings[] = (container.volumeMounts ?? []).map((m) => {
    const source = input.volumes.get(m.name);
    if (!source) throw new Error(`volume ${m.name} has no backing`);
    if (source.type === 'tmpfs') {
      // SizeBytes 0 is Docker's default (half of RAM), like a Memory emptyDir without sizeLimit.
      return { Type: 'tmpfs', Source: '', Target: m.mountPath, ReadOnly: m.readOnly ?? false, TmpfsOptions: { SizeBytes: source.sizeBytes, Mode: 0o777 } };
    }
    // NoCopy: a pod volume never receives the image's files at the mount path (Docker's
    // copy-up would also reset the volume root's mode to the image directory's).
    const noCopy = { NoCopy: true } as Docker.MountSettings['VolumeOptions'];
    return { Type: 'volume', Source: source.name, Target: m.mountPath, ReadOnly: m.readOnly ?? false, VolumeOptions: noCopy };
  });

  const groups = [
    ...(pod.spec.securityContext?.fsGroup !== undefined ? [pod.spec.securityContext.fsGroup] : []),
    ...(pod.spec.securityContext?.supplementalGroups ?? []),
  ].map(String);

  const hostConfig: Docker.HostConfig = {
    // Pid 1 that ignores SIGTERM would make every delete wait out the grace period.
    Init: true,
    Mounts: mounts,
    RestartPolicy: restartPolicy(pod.spec.restartPolicy),
    ReadonlyRootfs: sc.readOnlyRootFilesystem ?? false,
    Privileged: sc.privileged ?? false,
    SecurityOpt: sc.allowPrivilegeEscalation === false ? ['no-new-privileges'] : [],
    CapDrop: sc.capabilities?.drop ?? [],
    CapAdd: sc.capabilities?.add ?? [],
    GroupAdd: groups,
  };
  if (memory !== undefined) hostConfig.Memory = Math.round(memory);
  if (memoryRequest !== undefined) hostConfig.MemoryReservation = Math.round(memoryRequest);
  if (cpu !== undefined) hostConfig.NanoCpus = Math.round(cpu * 1e9);
  // The kubelet turns a cpu request into cgroup shares the same way: 1 core = 1024.
  if (cpuRequest !== undefined) hostConfig.CpuShares = Math.max(2, Math.round(cpuRequest * 1024));
  if (input.networkOwnerId) hostConfig.NetworkMode = `container:${input.networkOwnerId}`;

  const options: Docker.ContainerCreateOptions = {
    name: input.dockerName,
    Image: container.image,
    Env: [
      // Like the kubelet: HOSTNAME is the pod name, then the container's own variables.
      `HOSTNAME=${pod.metadata.name}`,
      ...(container.env ?? []).filter((e) => e.value !== undefined || e.valueFrom === undefined).map((e) => `${e.name}=${e.value ?? ''}`),
    ],
    Labels: input.labels,
    Tty: container.tty ?? false,
    OpenStdin: container.stdin ?? false,
    StdinOnce: false,
    HostConfig: hostConfig,
  };
  // A joined network namespace carries the owner's hostname; Docker refuses to set both.
  if (!input.networkOwnerId) options.Hostname = pod.metadata.name;
  // command replaces the image ENTRYPOINT and args its CMD, as in a pod.
  if (container.command) options.Entrypoint = container.command;
  if (container.args) options.Cmd = container.args;
  if (container.workingDir) options.WorkingDir = container.workingDir;
  const user = userSpec(sc);
  if (user) options.User = user;
  return options;
}

function restartPolicy(policy: string | undefined): Docker.HostRestartPolicy {
  switch (policy ?? 'Always') {
    case 'Always':
      return { Name: 'always' };
    case 'OnFailure':
      return { Name: 'on-failure' };
    default:
      return { Name: 'no' };
  }
}

/**
 * The kubelet's runAsNonRoot check: undefined when the container may start, otherwise the
 * CreateContainerConfigError message. `imageUser` is the image's configured USER.
 */
export function runAsNonRootError(pod: Pod, container: ContainerSpec, imageUser: string): string | undefined {
  const sc = effectiveSecurityContext(pod, container);
  if (!sc.runAsNonRoot) return undefined;
  const where = `(pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${container.name})`;
  if (sc.runAsUser !== undefined) {
    return sc.runAsUser === 0 ? `container's runAsUser breaks non-root policy ${where}` : undefined;
  }
  const user = imageUser.split(':')[0];
  if (user === '' || user === '0' || user === 'root') return `container has runAsNonRoot and image will run as root ${where}`;
  if (!/^\d+$/.test(user)) return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root ${where}`;
  return undefined;
}
