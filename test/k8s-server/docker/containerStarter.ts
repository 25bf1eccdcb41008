// Creating and starting one container of a pod, with the kubelet's events and waiting
// reasons for each way it can fail: image absent (ErrImagePull, then ImagePullBackOff, or
// ErrImageNeverPull), runAsNonRoot violated, create or start refused by Docker.
import type Docker from 'dockerode';
import type { EventRecorder } from '../events.ts';
import type { Pod } from '../types.ts';
import { buildCreateOptions, runAsNonRootError } from './createOptions.ts';
import { LABEL_CONTAINER, LABEL_NAMESPACE, LABEL_POD, LABEL_POD_UID } from './labels.ts';
import type { KubeletContainer, PodRecord } from './podRecord.ts';
import type { VolumeManager } from './volumes.ts';

export interface StarterDeps {
  docker: Docker;
  events: EventRecorder;
  volumes: VolumeManager;
  ownerLabels: Record<string, string>;
  instanceId: string;
  isStopped: () => boolean;
}

export type StartOutcome = 'started' | 'retry' | 'failed';

function statusCode(err: unknown): number | undefined {
  return (err as { statusCode?: number }).statusCode;
}

/** Docker's error text without dockerode's "(HTTP code 400) unexpected - " prefix. */
function dockerMessage(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return (e.json?.message ?? e.message ?? String(err)).trim();
}

function reportOnce(c: KubeletContainer, key: string, emit: () => void): void {
  if (c.reported.has(key)) return;
  c.reported.add(key);
  emit();
}

export async function startContainer(deps: StarterDeps, pod: Pod, rec: PodRecord, c: KubeletContainer, index: number): Promise<StartOutcome> {
  const image = c.spec.image ?? '';
  const name = c.spec.name;
  const record = (type: 'Normal' | 'Warning', reason: string, message: string): void =>
    deps.events.record(pod, type, reason, message, { container: name });

  let imageInfo: Docker.ImageInspectInfo;
  try {
    imageInfo = await deps.docker.getImage(image).inspect();
  } catch (err) {
    if (statusCode(err) !== 404) throw err;
    if (c.spec.imagePullPolicy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      c.waiting = { reason: 'ErrImageNeverPull', message };
      reportOnce(c, 'never', () => record('Warning', 'ErrImageNeverPull', message));
      return 'retry';
    }
    // There is no registry behind this server: a missing image is a failed pull.
    const pullError = `pull access denied for ${image}: this test API server has no image registry; build or import the image into the local Docker`;
    if (!c.reported.has('pull')) {
      reportOnce(c, 'pull', () => {
        record('Normal', 'Pulling', `Pulling image "${image}"`);
        record('Warning', 'Failed', `Failed to pull image "${image}": ${pullError}`);
        record('Warning', 'Failed', 'Error: ErrImagePull');
      });
      c.waiting = { reason: 'ErrImagePull', message: pullError };
    } else {
      reportOnce(c, 'backoff', () => {
        record('Normal', 'BackOff', `Back-off pulling image "${image}"`);
        record('Warning', 'Failed', 'Error: ImagePullBackOff');
      });
      c.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${pullError}` };
    }
    return 'retry';
  }
  reportOnce(c, 'pulled', () => record('Normal', 'Pulled', `Container image "${image}" already present on machine`));

  const nonRoot = runAsNonRootError(pod, c.spec, imageInfo.Config?.User ?? '');
  if (nonRoot) {
    c.waiting = { reason: 'CreateContainerConfigError', message: nonRoot };
    reportOnce(c, 'config', () => record('Warning', 'Failed', `Error: ${nonRoot}`));
    return 'failed';
  }

  if (!rec.volumePermissionsSet) {
    // Once per pod, before its first container starts, as the kubelet sets up volumes.
    const named = [...(rec.volumes?.values() ?? [])].flatMap((v) => (v.type === 'volume' ? [v.name] : []));
    await deps.volumes.setRootPermissions(image, named, pod.spec.securityContext?.fsGroup);
    rec.volumePermissionsSet = true;
  }

  const labels = {
    ...deps.ownerLabels,
    [LABEL_NAMESPACE]: rec.namespace,
    [LABEL_POD]: rec.name,
    [LABEL_POD_UID]: rec.uid,
    [LABEL_CONTAINER]: name,
  };
  const options = buildCreateOptions({
    pod,
    container: c.spec,
    labels,
    // The dockershim naming scheme, plus the instance so parallel servers never collide.
    dockerName: `k8s_${name}_${rec.name}_${rec.namespace}_${rec.uid.slice(0, 8)}_${deps.instanceId}`,
    volumes: rec.volumes ?? new Map(),
    networkOwnerId: index > 0 ? rec.containers[0].id : undefined,
  });
  let container: Docker.Container;
  try {
    container = await deps.docker.createContainer(options);
  } catch (err) {
    const message = dockerMessage(err);
    c.waiting = { reason: 'CreateContainerError', message };
    reportOnce(c, 'create', () => record('Warning', 'Failed', `Error: ${message}`));
    return 'failed';
  }
  c.id = container.id;
  c.waiting = undefined;
  if (deps.isStopped()) return 'failed'; // stop() sweeps it by label

  record('Normal', 'Created', `Created container ${name}`);
  try {
    await container.start();
  } catch (err) {
    c.startError = dockerMessage(err);
    record('Warning', 'Failed', `Error: ${c.startError}`);
    return 'failed';
  }
  record('Normal', 'Started', `Started container ${name}`);
  return 'started';
}
