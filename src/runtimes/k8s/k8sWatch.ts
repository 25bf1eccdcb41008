// Follows the runtime's pods (its label selector) with a watch, as a hint that the agent
// list changed: pods started, stopped or deleted outside VS Code show up without polling.
// Like an informer, it lists first and watches from that list's resourceVersion, so it
// reports changes, not the current state over again. The API server ends watches after a
// while (and on errors such as 410 Gone); the watch then restarts, with backoff when it
// keeps failing, and reports the restart since events may have been missed meanwhile.
import { Follower } from '../../core/retryLoop';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { K8sClients } from './k8sClient';

export type PodEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface PodWatcherOptions {
  clients: () => Promise<K8sClients>;
  namespace: string;
  labelSelector: string;
  onEvent: (type: PodEventType, podName: string) => void;
  /** Called when a watch was re-established after a gap. */
  onReconnect?: () => void;
  logger?: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/** A watch that lasted at least this long was healthy: the next one starts without backoff. */
const HEALTHY_MS = 5_000;

export class PodWatcher extends Follower {
  private controller: AbortController | undefined;
  private connections = 0;
  private readonly path: string;

  constructor(private readonly opts: PodWatcherOptions) {
    super(`Pod watch in ${opts.namespace}`, opts);
    this.path = `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods`;
  }

  protected closeCurrent(): void {
    this.controller?.abort();
    this.controller = undefined;
  }

  protected async connect(): Promise<boolean> {
    const began = Date.now();
    const c = await this.opts.clients();
    const list = await c.core.listNamespacedPod({ namespace: this.opts.namespace, labelSelector: this.opts.labelSelector });
    if (this.abort.signal.aborted) return false;
    if (this.connections++ > 0) this.opts.onReconnect?.();
    const ended = await this.watchOnce(c, this.path, list.metadata?.resourceVersion);
    if (ended) this.log.debug(`Pod watch in ${this.opts.namespace} ended: ${ended}`);
    return Date.now() - began >= HEALTHY_MS;
  }

  /** One watch from `resourceVersion`; resolves when it ends, with why (or '' for a normal end). */
  private watchOnce(c: K8sClients, path: string, resourceVersion: string | undefined): Promise<string> {
    return new Promise<string>((resolve) => {
      let settled = false;
      let controller: AbortController | undefined;
      const settle = (why: string) => {
        if (!settled) {
          settled = true;
          // Ends this watch's connection (a no-op when it already ended); set below if not yet known.
          controller?.abort();
          if (this.controller === controller) this.controller = undefined;
          resolve(why);
        }
      };
      const watch = new c.k8s.Watch(c.kc);
      const query: Record<string, string | boolean> = { labelSelector: this.opts.labelSelector, allowWatchBookmarks: true };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      watch
        .watch(
          path,
          query,
          (type: string, obj: { metadata?: { name?: string }; code?: number; message?: string }) => {
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
              this.opts.onEvent(type, obj?.metadata?.name ?? '');
            } else if (type === 'ERROR') {
              // e.g. 410 Gone: our resourceVersion is too old. Restart from a fresh list.
              settle(`error event ${obj?.code ?? ''} ${obj?.message ?? ''}`.trim());
            }
          },
          (err: unknown) => settle(err ? errorMessage(err) : ''),
        )
        .then(
          (c) => {
            controller = c;
            if (settled || this.abort.signal.aborted) c.abort();
            else this.controller = c;
          },
          (e: unknown) => settle(errorMessage(e)),
        );
    });
  }
}
