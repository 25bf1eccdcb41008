// In-memory object storage with one cluster-wide resourceVersion counter and a bounded
// event history, so watches can resume from a resourceVersion exactly like against etcd
// (and get 410 Gone when it is too old).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from './types.ts';

export interface StoreEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  object: KubeObject;
  /** The object before a MODIFIED, so a selector-filtered watch can turn it into ADDED/DELETED. */
  previous?: KubeObject;
  rv: number;
}

export type StoreListener = (event: StoreEvent) => void;

export class TooOldResourceVersion extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export class ObjectStore {
  private rv = 100;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit = 20000) {}

  get resourceVersion(): string {
    return String(this.rv);
  }

  private bucket(resource: string): Map<string, KubeObject> {
    let b = this.objects.get(resource);
    if (!b) {
      b = new Map();
      this.objects.set(resource, b);
    }
    return b;
  }

  get<T extends KubeObject = KubeObject>(resource: string, namespace: string | undefined, name: string): T | undefined {
    const obj = this.bucket(resource).get(objectKey(namespace, name));
    return obj ? (structuredClone(obj) as T) : undefined;
  }

  /** Objects sorted by namespace then name, like the real server's etcd key order. */
  list<T extends KubeObject = KubeObject>(resource: string, namespace?: string): T[] {
    const out: T[] = [];
    for (const obj of this.bucket(resource).values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) out.push(structuredClone(obj) as T);
    }
    // Plain code-unit order, like etcd's byte order (and the continue tokens of lists).
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }

  /** Stores a new object, filling uid, resourceVersion and creationTimestamp. Caller checks existence. */
  create<T extends KubeObject>(resource: string, obj: T): T {
    const stored = structuredClone(obj);
    stored.metadata.uid ??= randomUUID();
    stored.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return this.commit('ADDED', resource, stored);
  }

  update<T extends KubeObject>(resource: string, obj: T): T {
    return this.commit('MODIFIED', resource, structuredClone(obj));
  }

  delete(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const current = this.bucket(resource).get(objectKey(namespace, name));
    if (!current) return undefined;
    return this.commit('DELETED', resource, structuredClone(current));
  }

  private commit<T extends KubeObject>(type: StoreEvent['type'], resource: string, obj: T): T {
    // Type meta is added on the way out (list items carry none on the wire).
    delete obj.kind;
    delete obj.apiVersion;
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const bucket = this.bucket(resource);
    const previous = bucket.get(key);
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    if (type === 'DELETED') bucket.delete(key);
    else bucket.set(key, obj);
    const event: StoreEvent = { type, resource, object: structuredClone(obj), rv: this.rv };
    if (type === 'MODIFIED' && previous) event.previous = structuredClone(previous);
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.splice(0, this.history.length - this.historyLimit);
    for (const listener of [...this.listeners]) listener(event);
    return structuredClone(obj);
  }

  /**
   * Subscribes to changes after `sinceRv` (events already in history are returned for
   * replay, then `listener` gets the live ones). Throws TooOldResourceVersion when the
   * history no longer reaches back that far.
   */
  subscribe(listener: StoreListener, sinceRv?: number): { replay: StoreEvent[]; unsubscribe: () => void } {
    let replay: StoreEvent[] = [];
    if (sinceRv !== undefined && sinceRv < this.rv) {
      const oldest = this.history.length ? this.history[0].rv : this.rv + 1;
      if (sinceRv < oldest - 1) throw new TooOldResourceVersion(sinceRv, oldest);
      replay = this.history.filter((e) => e.rv > sinceRv).map((e) => structuredClone(e));
    }
    this.listeners.add(listener);
    return { replay, unsubscribe: () => this.listeners.delete(listener) };
  }
}
