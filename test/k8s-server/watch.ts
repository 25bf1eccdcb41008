// The watch endpoint: newline-delimited `{"type","object"}` events over a chunked
// response, honouring resourceVersion (replay from history, or synthetic ADDED events
// for the current state), label/field selectors and timeoutSeconds.
import type { ServerResponse } from 'node:http';
import { withTypeMeta, type ResourceDef } from './resources.ts';
import type { Matcher } from './selectors.ts';
import { failureStatus } from './status.ts';
import { TooOldResourceVersion, type ObjectStore, type StoreEvent } from './store.ts';
import { toTable, type IncludeObject } from './table.ts';
import type { KubeObject, WatchEventType } from './types.ts';

export interface WatchParams {
  resource: ResourceDef;
  namespace?: string;
  match: Matcher;
  resourceVersion?: string;
  timeoutSeconds?: number;
  table: boolean;
  includeObject: IncludeObject;
}

/** Tracks open watches so the server can end them all on stop(). */
export class WatchRegistry {
  private readonly open = new Set<() => void>();
  add(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }
  endAll(): void {
    for (const end of [...this.open]) end();
  }
}

/** Maps a store change to what a selector-filtered watcher sees (or nothing). */
function visibleType(event: StoreEvent, match: Matcher): WatchEventType | undefined {
  const now = match(event.object);
  if (event.type !== 'MODIFIED') return now ? event.type : undefined;
  const before = event.previous ? match(event.previous) : now;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

export function serveWatch(store: ObjectStore, registry: WatchRegistry, res: ServerResponse, params: WatchParams): void {
  const { resource, namespace, match } = params;
  const write = (type: WatchEventType, obj: unknown): void => {
    res.write(`${JSON.stringify({ type, object: obj })}\n`);
  };
  const render = (obj: KubeObject): unknown =>
    params.table ? toTable(resource.name, [obj], store.resourceVersion, params.includeObject) : withTypeMeta(resource, obj);
  const inScope = (e: StoreEvent): boolean =>
    e.resource === resource.name && (namespace === undefined || e.object.metadata.namespace === namespace);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  // Clients wait for the response head before they consider the watch open.
  res.flushHeaders();

  const rvText = params.resourceVersion;
  const fromHistory = rvText !== undefined && rvText !== '' && rvText !== '0';
  let sinceRv: number;
  if (fromHistory) {
    sinceRv = Number(rvText);
    if (!Number.isInteger(sinceRv)) {
      write('ERROR', failureStatus(400, 'BadRequest', `invalid resource version: ${rvText}`));
      res.end();
      return;
    }
  } else {
    // "Get state and start at most recent": the current objects as ADDED, then live events.
    for (const obj of store.list(resource.name, namespace)) if (match(obj)) write('ADDED', render(obj));
    sinceRv = Number(store.resourceVersion);
  }

  const onEvent = (e: StoreEvent): void => {
    if (!inScope(e)) return;
    const type = visibleType(e, match);
    if (type) write(type, render(e.object));
  };
  let subscription: ReturnType<ObjectStore['subscribe']>;
  try {
    subscription = store.subscribe(onEvent, sinceRv);
  } catch (err) {
    if (!(err instanceof TooOldResourceVersion)) throw err;
    write('ERROR', failureStatus(410, 'Expired', err.message));
    res.end();
    return;
  }
  for (const e of subscription.replay) onEvent(e);

  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    subscription.unsubscribe();
    unregister();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const unregister = registry.add(end);
  if (params.timeoutSeconds !== undefined && params.timeoutSeconds > 0) {
    timer = setTimeout(end, params.timeoutSeconds * 1000);
  }
  res.on('close', end);
  res.on('error', end);
}
