// The "node": runs each pod as Docker containers and keeps the pod's status in the store
// in step with them, from the Docker event stream. One serial queue per pod orders the
// work (start, refreshes, termination) so they never interleave.
import type Docker from 'dockerode';
import type { EventRecorder } from '../events.ts';
import { parseQuantity } from '../quantity.ts';
import type { ObjectStore } from '../store.ts';
import type { KubeObject, Logger, Pod, PodStatus } from '../types.ts';
import { startContainer } from './containerStarter.ts';
import type { VolumeSource } from './createOptions.ts';
import { DockerEventFollower } from './dockerEvents.ts';
import { LABEL_INSTANCE, LABEL_NAMESPACE, LABEL_POD } from './labels.ts';
import { PodRecord, type KubeletContainer } from './podRecord.ts';
import { containerStatus, kubeTime, podConditions, podPhase, qosClass } from './podStatus.ts';
import { sweepInstance } from './sweeper.ts';
import type { VolumeManager } from './volumes.ts';

export interface KubeletDeps {
  docker: Docker;
  store: ObjectStore;
  events: EventRecorder;
  volumes: VolumeManager;
  ownerLabels: Record<string, string>;
  instanceId: string;
  nodeName: string;
  /** Labels of the single node, matched against a pod's nodeSelector. */
  nodeLabels: Record<string, string>;
  log: Logger;
  /** Pods of a namespace changed in a way quota or claim protection may care about. */
  onPodsChanged: (namespace: string) => void;
}

const REFRESH_ACTIONS = new Set(['start', 'die', 'oom', 'restart', 'destroy', 'pause', 'unpause']);

function ignoreCodes(...codes: number[]): (err: unknown) => void {
  return (err) => {
    if (!codes.includes((err as { statusCode?: number }).statusCode ?? 0)) throw err;
  };
}

export class DockerKubelet {
  private readonly records = new Map<string, PodRecord>();
  private readonly follower: DockerEventFollower;
  private stopped = false;

  constructor(private readonly deps: KubeletDeps) {
    this.follower = new DockerEventFollower(deps.docker, `${LABEL_INSTANCE}=${deps.instanceId}`, (e) => {
      if (!REFRESH_ACTIONS.has(e.action)) return;
      const rec = this.records.get(`${e.labels[LABEL_NAMESPACE]}/${e.labels[LABEL_POD]}`);
      if (rec) rec.enqueueRefresh(() => this.refresh(rec), deps.log);
    }, deps.log, () => {
      for (const rec of this.records.values()) rec.enqueueRefresh(() => this.refresh(rec), deps.log);
    });
  }

  start(): Promise<void> {
    return this.follower.start();
  }

  /** Takes a newly stored pod and starts running it in the background. */
  admit(pod: Pod): void {
    const rec = new PodRecord(pod);
    this.records.set(rec.key, rec);
    void rec.enqueue(() => this.sync(rec), this.deps.log);
  }

  /** A claim appeared in `namespace`: pods that were unschedulable for lack of it try again. */
  claimCreated(namespace: string): void {
    for (const rec of this.records.values()) {
      if (rec.namespace === namespace && !rec.volumes && !rec.deleting) void rec.enqueue(() => this.sync(rec), this.deps.log);
    }
  }

  claimInUse(namespace: string, claim: string): boolean {
    for (const rec of this.records.values()) {
      if (rec.namespace !== namespace) continue;
      const pod = this.currentPod(rec);
      if (pod?.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim)) return true;
    }
    return false;
  }

  /** The live Docker container behind a pod's container, for exec and logs. */
  container(namespace: string, pod: string, containerName: string): KubeletContainer | undefined {
    return this.records.get(`${namespace}/${pod}`)?.containers.find((c) => c.spec.name === containerName);
  }

  /** Marks the pod terminating (returned, as the DELETE answer) and stops it in the background. */
  delete(pod: Pod, graceSeconds: number): Pod {
    pod.metadata.deletionTimestamp = kubeTime(new Date(Date.now() + graceSeconds * 1000));
    pod.metadata.deletionGracePeriodSeconds = graceSeconds;
    const updated = this.deps.store.update('pods', pod);
    const rec = this.records.get(`${pod.metadata.namespace}/${pod.metadata.name}`);
    if (!rec) {
      this.deps.store.delete('pods', pod.metadata.namespace, pod.metadata.name ?? '');
      return updated;
    }
    rec.deleting = true;
    rec.clearRetry();
    void rec.enqueue(() => this.terminate(rec, updated, graceSeconds), this.deps.log);
    return updated;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.follower.stop();
    for (const rec of this.records.values()) rec.clearRetry();
    // Force-remove first so queued graceful stops return at once, then again for
    // anything a queue step created meanwhile.
    await sweepInstance(this.deps.docker, this.deps.instanceId);
    await Promise.all([...this.records.values()].map((r) => r.idle()));
    await sweepInstance(this.deps.docker, this.deps.instanceId);
    this.records.clear();
  }

  private currentPod(rec: PodRecord): Pod | undefined {
    const pod = this.deps.store.get<Pod>('pods', rec.namespace, rec.name);
    return pod && pod.metadata.uid === rec.uid ? pod : undefined;
  }

  private updateStatus(rec: PodRecord, status: PodStatus): void {
    const pod = this.currentPod(rec);
    if (!pod || JSON.stringify(pod.status) === JSON.stringify(status)) return;
    pod.status = status;
    this.deps.store.update('pods', pod);
    this.deps.onPodsChanged(rec.namespace);
  }

  /** Why the scheduler cannot place the pod on this one node, or undefined. */
  private unschedulable(pod: Pod): string | undefined {
    const selector = (pod.spec.nodeSelector ?? {}) as Record<string, string>;
    const nodeLabels = this.deps.nodeLabels;
    if (Object.entries(selector).some(([k, v]) => nodeLabels[k] !== v)) return "1 node(s) didn't match Pod's node affinity/selector";
    if (pod.spec.nodeName && pod.spec.nodeName !== this.deps.nodeName) return `node "${pod.spec.nodeName}" not found`;
    for (const v of pod.spec.volumes ?? []) {
      const claimName = v.persistentVolumeClaim?.claimName;
      if (!claimName) continue;
      const claim = this.deps.store.get('persistentvolumeclaims', pod.metadata.namespace, claimName);
      if (!claim) return `persistentvolumeclaim "${claimName}" not found`;
      if (claim.metadata.deletionTimestamp) return `persistentvolumeclaim "${claimName}" is being deleted`;
    }
    return undefined;
  }

  /** The scheduler's binding: the pod gets its node, and PodScheduled turns True. */
  private bind(pod: Pod): void {
    pod.spec.nodeName = this.deps.nodeName;
    const scheduled = { type: 'PodScheduled', status: 'True' as const, lastProbeTime: null, lastTransitionTime: kubeTime() };
    pod.status = { ...pod.status, phase: 'Pending', conditions: [scheduled], qosClass: qosClass(pod) };
    this.deps.store.update('pods', pod);
  }

  private async prepareVolumes(pod: Pod, rec: PodRecord): Promise<Map<string, VolumeSource>> {
    const volumes = new Map<string, VolumeSource>();
    for (const v of pod.spec.volumes ?? []) {
      if (v.persistentVolumeClaim) {
        const claim = this.deps.store.get('persistentvolumeclaims', rec.namespace, v.persistentVolumeClaim.claimName) as KubeObject;
        volumes.set(v.name, { type: 'volume', name: this.deps.volumes.claimVolumeName(claim.metadata.uid ?? '') });
      } else if (v.emptyDir?.medium === 'Memory') {
        const size = v.emptyDir.sizeLimit === undefined ? 0 : parseQuantity(v.emptyDir.sizeLimit) ?? 0;
        volumes.set(v.name, { type: 'tmpfs', sizeBytes: Math.round(size) });
      } else {
        const name = await this.deps.volumes.createEmptyDir(rec.namespace, rec.uid, v.name);
        rec.emptyDirs.push(name);
        volumes.set(v.name, { type: 'volume', name });
      }
    }
    return volumes;
  }

  private async sync(rec: PodRecord): Promise<void> {
    const pod = this.currentPod(rec);
    if (!pod || rec.deleting || this.stopped) return;
    if (!rec.volumes) {
      const unavailable = this.unschedulable(pod);
      if (unavailable) {
        if (!rec.reported.has(unavailable)) {
          rec.reported.add(unavailable);
          const message = `0/1 nodes are available: ${unavailable}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`;
          this.deps.events.record(pod, 'Warning', 'FailedScheduling', message, { component: 'default-scheduler' });
          const condition = { type: 'PodScheduled', status: 'False' as const, lastProbeTime: null, lastTransitionTime: kubeTime(), reason: 'Unschedulable', message };
          this.updateStatus(rec, { phase: 'Pending', conditions: [condition], qosClass: qosClass(pod) });
        }
        return;
      }
      this.bind(pod);
      this.deps.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${rec.namespace}/${rec.name} to ${this.deps.nodeName}`, {
        component: 'default-scheduler',
      });
      rec.startTime = kubeTime();
      rec.volumes = await this.prepareVolumes(pod, rec);
    }
    let retry = false;
    for (const [i, c] of rec.containers.entries()) {
      if (c.id || c.waiting?.reason === 'CreateContainerConfigError') continue;
      // Later containers join the first one's network namespace, so it must exist first.
      if (i > 0 && !rec.containers[0].id) break;
      const outcome = await startContainer({ ...this.deps, isStopped: () => this.stopped }, pod, rec, c, i);
      if (outcome === 'retry') retry = true;
    }
    if (retry && !this.stopped && !rec.deleting && !rec.retry) {
      rec.retry = setTimeout(() => {
        rec.retry = undefined;
        void rec.enqueue(() => this.sync(rec), this.deps.log);
      }, rec.backoffMs);
      rec.backoffMs = Math.min(rec.backoffMs * 2, 10_000);
    }
    await this.refresh(rec);
  }

  private async refresh(rec: PodRecord): Promise<void> {
    const pod = this.currentPod(rec);
    if (!pod || !rec.volumes) return;
    for (const c of rec.containers) {
      if (!c.id) continue;
      try {
        c.info = await this.deps.docker.getContainer(c.id).inspect();
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
        if (rec.deleting) return; // removal in progress: the DELETED event follows
        c.vanished = true;
      }
    }
    // The pod keeps its IP after its containers exit, as on a real node.
    const network = Object.values(rec.containers[0].info?.NetworkSettings?.Networks ?? {})[0];
    if (network?.IPAddress) {
      rec.podIP = network.IPAddress;
      rec.hostIP = network.Gateway || rec.hostIP;
    }
    const statuses = rec.containers.map(containerStatus);
    const phase = podPhase(pod, statuses);
    const status: PodStatus = { phase, conditions: podConditions(phase, statuses, pod.status?.conditions) };
    if (rec.hostIP) status.hostIP = rec.hostIP;
    if (rec.podIP) {
      status.podIP = rec.podIP;
      status.podIPs = [{ ip: rec.podIP }];
    }
    if (rec.startTime) status.startTime = rec.startTime;
    status.containerStatuses = statuses;
    status.qosClass = qosClass(pod);
    this.updateStatus(rec, status);
  }

  private async terminate(rec: PodRecord, pod: Pod, graceSeconds: number): Promise<void> {
    const started = rec.containers.filter((c) => c.id);
    for (const c of started) {
      if (c.info?.State.Running) this.deps.events.record(pod, 'Normal', 'Killing', `Stopping container ${c.spec.name}`, { container: c.spec.name });
    }
    await Promise.all(started.map((c) => this.deps.docker.getContainer(c.id!).stop({ t: graceSeconds }).catch(ignoreCodes(304, 404))));
    // Watchers see the containers terminated before the pod goes away, as on a real node.
    if (started.length) await this.refresh(rec);
    await Promise.all(started.map((c) => this.deps.docker.getContainer(c.id!).remove({ force: true, v: true }).catch(ignoreCodes(404))));
    for (const volume of rec.emptyDirs) await this.deps.volumes.remove(volume);
    this.records.delete(rec.key);
    this.deps.store.delete('pods', rec.namespace, rec.name);
    this.deps.onPodsChanged(rec.namespace);
  }
}
