// The HTTP side of pods/exec: checks the request like the API server and kubelet do
// (pod, container, running, streams, command), then upgrades to a WebSocket with one of
// the channel subprotocols. Refusals go out as a plain HTTP response with a Status body.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RequestRecord, ServerContext } from '../context.ts';
import { resolveContainer } from '../handlers/logs.ts';
import { ApiError, badRequest, failureStatus, notFound, type KubeStatus } from '../status.ts';
import type { Pod } from '../types.ts';
import { pickProtocol } from './channels.ts';
import { runExecSession, type ExecRequest } from './execSession.ts';

function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === 'true' || v === '1';
}

/** Writes a non-101 answer on the raw socket and closes it. */
export function refuseUpgrade(socket: Duplex, status: KubeStatus): void {
  const body = JSON.stringify(status);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status.code] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export class ExecUpgrader {
  private readonly wss: WebSocketServer;

  constructor(private readonly ctx: ServerContext) {
    // Subprotocol choice happens in handleProtocols; sizes unlimited like the kubelet's.
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: 0,
      handleProtocols: (offered) => pickProtocol(offered) ?? false,
    });
  }

  /** Validates the exec request; throws ApiError with the server's refusal. */
  private async prepare(namespace: string, podName: string, query: URLSearchParams): Promise<ExecRequest> {
    const pod = this.ctx.store.get<Pod>('pods', namespace, podName);
    if (!pod) throw notFound('pods', podName);
    const containerName = resolveContainer(pod, query.get('container'));
    const command = query.getAll('command');
    const req = { command, stdin: flag(query, 'stdin'), stdout: flag(query, 'stdout'), stderr: flag(query, 'stderr'), tty: flag(query, 'tty') };
    if (!req.stdin && !req.stdout && !req.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
    if (command.length === 0) throw badRequest('you must specify at least one command for the container');
    const record = this.ctx.kubelet.container(namespace, podName, containerName);
    // Ask Docker now: the stored status may lag a process that just exited.
    const info = record?.id
      ? await this.ctx.docker
          .getContainer(record.id)
          .inspect()
          .catch((err: { statusCode?: number }) => {
            if (err.statusCode === 404) return undefined; // removed: same answer as not running
            throw err;
          })
      : undefined;
    if (!record?.id || !info?.State.Running) {
      throw new ApiError(failureStatus(400, 'BadRequest', `container not found ("${containerName}")`));
    }
    return { ...req, containerId: record.id };
  }

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer, namespace: string, podName: string, query: URLSearchParams, record: RequestRecord): Promise<void> {
    let execReq: ExecRequest;
    try {
      execReq = await this.prepare(namespace, podName, query);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      record.status = err.code;
      refuseUpgrade(socket, err.status);
      return;
    }
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    if (upgrade !== 'websocket') {
      // kubectl falls back to SPDY when the WebSocket upgrade fails; this server does not speak it.
      record.status = 400;
      refuseUpgrade(socket, failureStatus(400, 'BadRequest', `upgrade to ${req.headers.upgrade} is not supported by this test API server; use WebSockets (v5.channel.k8s.io)`));
      return;
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    record.offeredProtocols = offered;
    const protocol = offered.length ? pickProtocol(offered) : 'channel.k8s.io';
    if (!protocol) {
      record.status = 400;
      refuseUpgrade(socket, failureStatus(400, 'BadRequest', `requested protocol(s) are not supported: ${offered.join(', ')}`));
      return;
    }
    record.protocol = protocol;
    record.status = 101;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      runExecSession(ws, protocol, this.ctx.docker, execReq, this.ctx.log).catch((err: unknown) => {
        this.ctx.log(`exec session: ${(err as Error).stack ?? String(err)}`);
        ws.terminate();
      });
    });
  }

  /** Ends every open exec session (server stop). */
  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
