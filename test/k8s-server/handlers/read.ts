// get, list and watch, the same for every resource: JSON or server-side Table, label and
// field selectors, and list resourceVersion for a following watch.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerContext } from '../context.ts';
import { queryFlag, queryInt, sendJson } from '../http.ts';
import { withTypeMeta, type ResourceDef } from '../resources.ts';
import { parseFieldSelector, parseLabelSelector, type Matcher } from '../selectors.ts';
import { badRequest, notFound } from '../status.ts';
import type { KubeObject } from '../types.ts';
import { toTable, wantsTable, type IncludeObject } from '../table.ts';
import { serveWatch } from '../watch.ts';

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function matcher(def: ResourceDef, query: URLSearchParams): Matcher {
  const labels = parseLabelSelector(query.get('labelSelector'));
  const fields = parseFieldSelector(query.get('fieldSelector'), def.fieldSelectors);
  return (obj) => labels(obj) && fields(obj);
}

interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

/**
 * `limit` and `continue` as clients page through lists (kubectl asks for 500 at a time).
 * The token names the last key served; unlike etcd, later pages see the current state,
 * not a snapshot at the first page's resourceVersion.
 */
function paginate(items: KubeObject[], query: URLSearchParams, resourceVersion: string): { items: KubeObject[]; metadata: ListMeta } {
  const token = query.get('continue');
  let rest = items;
  if (token) {
    let after: string;
    try {
      after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: string }).after;
    } catch {
      throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    }
    if (typeof after !== 'string') throw badRequest('continue key is not valid');
    rest = items.filter((o) => objectKey(o) > after);
  }
  const limit = queryInt(query, 'limit');
  if (!limit || limit <= 0 || rest.length <= limit) return { items: rest, metadata: { resourceVersion } };
  const pageItems = rest.slice(0, limit);
  const next = Buffer.from(JSON.stringify({ after: objectKey(pageItems[pageItems.length - 1]) })).toString('base64url');
  return { items: pageItems, metadata: { resourceVersion, continue: next, remainingItemCount: rest.length - limit } };
}

export function getObject(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, query: URLSearchParams): void {
  const obj = ctx.store.get(def.name, namespace, name);
  if (!obj) throw notFound(def.name, name);
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, toTable(def.name, [obj], ctx.store.resourceVersion, includeObject(query)));
    return;
  }
  sendJson(res, 200, withTypeMeta(def, obj));
}

export function listOrWatch(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, query: URLSearchParams): void {
  const match = matcher(def, query);
  const table = wantsTable(req.headers.accept);
  if (queryFlag(query, 'watch')) {
    serveWatch(ctx.store, ctx.watches, res, {
      resource: def,
      namespace,
      match,
      resourceVersion: query.get('resourceVersion') ?? undefined,
      timeoutSeconds: queryInt(query, 'timeoutSeconds'),
      table,
      includeObject: includeObject(query),
    });
    return;
  }
  // Read the version before the items: a watch from it then misses nothing.
  const resourceVersion = ctx.store.resourceVersion;
  const page = paginate(ctx.store.list(def.name, namespace).filter(match), query, resourceVersion);
  if (table) {
    sendJson(res, 200, { ...(toTable(def.name, page.items, resourceVersion, includeObject(query)) as object), metadata: page.metadata });
    return;
  }
  // Items of a list carry no kind/apiVersion on the wire, as from a real server.
  sendJson(res, 200, { kind: `${def.kind}List`, apiVersion: 'v1', metadata: page.metadata, items: page.items });
}
