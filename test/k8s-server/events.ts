// Records core/v1 Events about pods, as the scheduler and kubelet do, so clients that
// explain a stuck pod (`kubectl describe`, the runtime's error path) read real events.
import { kubeTime } from './docker/podStatus.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, Pod } from './types.ts';

export type EventType = 'Normal' | 'Warning';

export class EventRecorder {
  private sequence = 0n;

  constructor(
    private readonly store: ObjectStore,
    private readonly nodeName: string,
  ) {}

  /** `container` fills involvedObject.fieldPath the way the kubelet does. */
  record(pod: Pod, type: EventType, reason: string, message: string, opts: { container?: string; component?: string } = {}): void {
    const component = opts.component ?? 'kubelet';
    const now = kubeTime();
    const involvedObject: Record<string, string> = {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
      apiVersion: 'v1',
      resourceVersion: pod.metadata.resourceVersion ?? '',
    };
    if (opts.container) involvedObject.fieldPath = `spec.containers{${opts.container}}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.eventName(pod), namespace: pod.metadata.namespace },
      involvedObject,
      reason,
      message,
      source: component === 'kubelet' ? { component, host: this.nodeName } : { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: component === 'kubelet' ? this.nodeName : '',
    };
    this.store.create('events', event);
  }

  /**
   * `<pod>.<hex nanoseconds>` like the real recorder, so names sort by time and a listing
   * reads chronologically; the sequence keeps events of the same millisecond distinct.
   */
  private eventName(pod: Pod): string {
    this.sequence = (this.sequence + 1n) % 1_000_000n;
    return `${pod.metadata.name}.${(BigInt(Date.now()) * 1_000_000n + this.sequence).toString(16)}`;
  }
}
