// URL -> what is addressed: a discovery document, a collection, an object or a subresource.
import { findResource, type ResourceDef } from './resources.ts';

export type Route =
  | { kind: 'discovery'; doc: 'version' | 'api' | 'apis' | 'v1' | 'health' }
  | { kind: 'collection'; def: ResourceDef; namespace?: string; watchPath: boolean }
  | { kind: 'object'; def: ResourceDef; namespace?: string; name: string; watchPath: boolean }
  | { kind: 'subresource'; def: ResourceDef; namespace?: string; name: string; sub: string }
  | { kind: 'unknown' };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/version') return { kind: 'discovery', doc: 'version' };
  if (path === '/api') return { kind: 'discovery', doc: 'api' };
  if (path === '/apis') return { kind: 'discovery', doc: 'apis' };
  if (path === '/api/v1') return { kind: 'discovery', doc: 'v1' };
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { kind: 'discovery', doc: 'health' };
  if (!path.startsWith('/api/v1/')) return { kind: 'unknown' };
  let parts = path.slice('/api/v1/'.length).split('/').map(decodeURIComponent);
  // The deprecated /api/v1/watch/... form is still used by some clients.
  const watchPath = parts[0] === 'watch';
  if (watchPath) parts = parts.slice(1);

  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length >= 3) {
    namespace = parts[1];
    parts = parts.slice(2);
  } else if (parts[0] === 'namespaces') {
    const def = findResource('namespaces')!;
    if (parts.length === 1) return { kind: 'collection', def, watchPath };
    return { kind: 'object', def, name: parts[1], watchPath };
  }
  const def = findResource(parts[0]);
  if (!def) return { kind: 'unknown' };
  if (namespace === undefined && def.namespaced && parts.length > 1) return { kind: 'unknown' };
  if (parts.length === 1) return { kind: 'collection', def, namespace, watchPath };
  if (parts.length === 2) return { kind: 'object', def, namespace, name: parts[1], watchPath };
  if (parts.length === 3 && !watchPath) return { kind: 'subresource', def, namespace, name: parts[1], sub: parts[2] };
  return { kind: 'unknown' };
}
