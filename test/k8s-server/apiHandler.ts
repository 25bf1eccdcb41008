// Request dispatch: authentication, then the route's verb handler. Any ApiError becomes
// its Status response; anything else is a 500 whose cause also goes to the log.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestRecord, ServerContext } from './context.ts';
import { apiGroupList, apiVersions, coreV1ResourceList, SERVER_VERSION } from './discovery.ts';
import { ExecUpgrader, refuseUpgrade } from './exec/execUpgrade.ts';
import { createClaim, deleteClaim } from './handlers/claims.ts';
import { podLogs } from './handlers/logs.ts';
import { createNamespace, deleteNamespace } from './handlers/namespaces.ts';
import { createPod, deletePod, patchObject } from './handlers/pods.ts';
import { getObject, listOrWatch } from './handlers/read.ts';
import { queryInt, readBody, readJson, sendJson, sendStatus } from './http.ts';
import { PROTOBUF_CONTENT_TYPE } from './protobuf.ts';
import { withTypeMeta, type ResourceDef } from './resources.ts';
import { parseRoute, type Route } from './routes.ts';
import { ApiError, badRequest, internalError, methodNotAllowed, notFound, routeNotFound, unauthorized, unsupportedMediaType } from './status.ts';
import type { KubeObject } from './types.ts';

const PATCH_TYPES = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];

/** DeleteOptions from a JSON body; a protobuf one (typed clients) is not decoded: defaults apply. */
async function deleteOptions(req: IncomingMessage): Promise<{ gracePeriodSeconds?: number } | undefined> {
  if ((req.headers['content-type'] ?? '').startsWith(PROTOBUF_CONTENT_TYPE)) {
    await readBody(req);
    return undefined;
  }
  return (await readJson(req)) as { gracePeriodSeconds?: number } | undefined;
}

export class ApiHandler {
  private readonly exec: ExecUpgrader;

  constructor(
    private readonly ctx: ServerContext,
    private readonly token: string,
    private readonly serverAddress: string,
  ) {
    this.exec = new ExecUpgrader(ctx);
  }

  private authenticated(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) return false;
    const given = Buffer.from(m[1].trim());
    const expected = Buffer.from(this.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private record(req: IncomingMessage, url: URL): RequestRecord {
    const rec: RequestRecord = { method: req.method ?? 'GET', path: url.pathname, query: url.search, status: 0, userAgent: req.headers['user-agent'] };
    this.ctx.requests.push(rec);
    // Bounded, so a long-running server (main.ts) does not grow without end.
    if (this.ctx.requests.length > 10_000) this.ctx.requests.splice(0, this.ctx.requests.length - 10_000);
    return rec;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const rec = this.record(req, url);
    res.on('finish', () => (rec.status = res.statusCode));
    try {
      const route = parseRoute(url.pathname);
      const isHealth = route.kind === 'discovery' && route.doc === 'health';
      if (!isHealth && !this.authenticated(req)) throw unauthorized();
      await this.dispatch(req, res, route, url.searchParams);
    } catch (err) {
      if (res.headersSent) {
        this.ctx.log(`${req.method} ${url.pathname} failed after headers: ${(err as Error).stack ?? String(err)}`);
        res.destroy();
        return;
      }
      if (err instanceof ApiError) {
        sendStatus(res, err.status);
        return;
      }
      this.ctx.log(`${req.method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`);
      sendStatus(res, internalError((err as Error).message).status);
    }
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const rec = this.record(req, url);
    socket.on('error', (err) => this.ctx.log(`upgrade socket ${url.pathname}: ${err.message}`));
    if (!this.authenticated(req)) {
      rec.status = 401;
      refuseUpgrade(socket, unauthorized().status);
      return;
    }
    const route = parseRoute(url.pathname);
    if (route.kind !== 'subresource' || route.def.name !== 'pods' || route.sub !== 'exec' || !route.namespace) {
      rec.status = 404;
      refuseUpgrade(socket, routeNotFound().status);
      return;
    }
    this.exec.handle(req, socket, head, route.namespace, route.name, url.searchParams, rec).catch((err: unknown) => {
      this.ctx.log(`exec upgrade: ${(err as Error).stack ?? String(err)}`);
      rec.status = 500;
      refuseUpgrade(socket, internalError((err as Error).message).status);
    });
  }

  close(): void {
    this.exec.close();
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, route: Route, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    switch (route.kind) {
      case 'discovery':
        if (method !== 'GET') throw methodNotAllowed();
        return this.discovery(res, route.doc);
      case 'collection':
        if (method === 'GET') {
          if (route.watchPath) query.set('watch', 'true');
          return listOrWatch(this.ctx, req, res, route.def, route.namespace, query);
        }
        if (method === 'POST') return this.create(req, res, route.def, route.namespace, query);
        throw methodNotAllowed();
      case 'object':
        return this.object(req, res, route.def, route.namespace, route.name, route.watchPath, query);
      case 'subresource':
        return this.subresource(req, res, route, query);
      case 'unknown':
        throw routeNotFound();
    }
  }

  private discovery(res: ServerResponse, doc: 'version' | 'api' | 'apis' | 'v1' | 'health'): void {
    if (doc === 'health') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    const body = { version: SERVER_VERSION, api: apiVersions(this.serverAddress), apis: apiGroupList(), v1: coreV1ResourceList() }[doc];
    sendJson(res, 200, body);
  }

  private async create(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, query: URLSearchParams): Promise<void> {
    const body = await readJson(req);
    const dryRun = query.getAll('dryRun').includes('All');
    let created: KubeObject;
    if (def.name === 'namespaces') created = createNamespace(this.ctx, body, dryRun);
    else if (def.name === 'pods' && namespace) created = createPod(this.ctx, namespace, body, dryRun);
    else if (def.name === 'persistentvolumeclaims' && namespace) created = await createClaim(this.ctx, namespace, body, dryRun);
    else throw methodNotAllowed();
    sendJson(res, 201, withTypeMeta(def, created));
  }

  private async object(req: IncomingMessage, res: ServerResponse, def: ResourceDef, namespace: string | undefined, name: string, watchPath: boolean, query: URLSearchParams): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      if (watchPath || query.get('watch') === 'true') {
        query.set('watch', 'true');
        query.set('fieldSelector', [query.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(','));
        return listOrWatch(this.ctx, req, res, def, namespace, query);
      }
      return getObject(this.ctx, req, res, def, namespace, name, query);
    }
    if (method === 'DELETE') {
      const body = await deleteOptions(req);
      const grace = queryInt(query, 'gracePeriodSeconds') ?? body?.gracePeriodSeconds;
      let deleted: KubeObject;
      if (def.name === 'pods' && namespace) deleted = deletePod(this.ctx, namespace, name, grace);
      else if (def.name === 'namespaces') deleted = deleteNamespace(this.ctx, name);
      else if (def.name === 'persistentvolumeclaims' && namespace) deleted = await deleteClaim(this.ctx, namespace, name);
      else throw methodNotAllowed();
      sendJson(res, 200, withTypeMeta(def, deleted));
      return;
    }
    if (method === 'PATCH') {
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
      if (!PATCH_TYPES.includes(type)) {
        await readBody(req);
        throw unsupportedMediaType(type);
      }
      if (def.name !== 'pods' && def.name !== 'namespaces') throw methodNotAllowed();
      const patched = patchObject(this.ctx, def.name, def.kind, namespace, name, await readJson(req));
      sendJson(res, 200, withTypeMeta(def, patched));
      return;
    }
    throw methodNotAllowed();
  }

  private async subresource(req: IncomingMessage, res: ServerResponse, route: Extract<Route, { kind: 'subresource' }>, query: URLSearchParams): Promise<void> {
    const { def, namespace, name, sub } = route;
    if (def.name !== 'pods' || !namespace) throw notFound(def.name, name);
    if (sub === 'log' && req.method === 'GET') return podLogs(this.ctx, req, res, namespace, name, query);
    if (sub === 'status' && req.method === 'GET') return getObject(this.ctx, req, res, def, namespace, name, query);
    if (sub === 'exec') {
      if (!this.ctx.store.get('pods', namespace, name)) throw notFound('pods', name);
      throw badRequest('Upgrade request required');
    }
    throw notFound(def.name, name);
  }
}
