// What the kubelet keeps per pod between reconciliations: the Docker ids of its
// containers, the volumes it made, a serial work queue and the retry timer.
import type { ContainerRecord } from './podStatus.ts';
import type { VolumeSource } from './createOptions.ts';
import type { Logger, Pod } from '../types.ts';

export interface KubeletContainer extends ContainerRecord {
  id?: string;
  /** Events already emitted for this container, so a retry does not repeat them. */
  reported: Set<string>;
}

export class PodRecord {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly containers: KubeletContainer[];
  volumes: Map<string, VolumeSource> | undefined;
  volumePermissionsSet = false;
  readonly emptyDirs: string[] = [];
  readonly reported = new Set<string>();
  podIP: string | undefined;
  hostIP: string | undefined;
  startTime: string | undefined;
  deleting = false;
  retry: NodeJS.Timeout | undefined;
  backoffMs = 1000;
  private queue: Promise<void> = Promise.resolve();
  private refreshQueued = false;

  constructor(pod: Pod) {
    this.namespace = pod.metadata.namespace ?? '';
    this.name = pod.metadata.name ?? '';
    this.uid = pod.metadata.uid ?? '';
    this.containers = pod.spec.containers.map((spec) => ({ spec, reported: new Set<string>() }));
  }

  get key(): string {
    return `${this.namespace}/${this.name}`;
  }

  /** Runs `work` after everything queued before it; a failure is logged, never dropped. */
  enqueue(work: () => Promise<void>, log: Logger): Promise<void> {
    const next = this.queue.then(work).catch((err: unknown) => {
      log(`pod ${this.key}: ${(err as Error).stack ?? String(err)}`);
    });
    this.queue = next;
    return next;
  }

  /** Queues one status refresh; bursts of Docker events collapse into it. */
  enqueueRefresh(refresh: () => Promise<void>, log: Logger): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    void this.enqueue(async () => {
      this.refreshQueued = false;
      await refresh();
    }, log);
  }

  idle(): Promise<void> {
    return this.queue;
  }

  clearRetry(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }
}
