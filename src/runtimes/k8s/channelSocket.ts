// The WebSocket under client-node's Exec, supplied through Exec's own injection point
// (WebSocketInterface), because its default handler
//   - offers the old channel protocols too, where stdin EOF can only be sent by closing the
//     socket (we offer v5, which has a close-stdin frame, and v4, handled by the executor);
//   - turns a refused upgrade into "Unexpected server response: 400", dropping the API
//     server's Status that says why (pod not running, forbidden, ...);
//   - writes to process.stdin/stdout when the server closes a stream.
import type { KubeConfig } from '@kubernetes/client-node';
import type { IncomingMessage } from 'node:http';
import type { ClientRequest } from 'node:http';
import type { WebSocket as WsSocket } from 'ws';
import { ExecUpgradeError, type ApiStatus } from './k8sErrors';

export const V5 = 'v5.channel.k8s.io';
export const V4 = 'v4.channel.k8s.io';
export const CHANNEL_PROTOCOLS = [V5, V4] as const;

/** Only v5 can half-close stdin (a CLOSE frame); with v4 EOF means closing the socket. */
export function supportsStdinClose(protocol: string | undefined): boolean {
  return protocol === V5;
}

/** client-node's WebSocketInterface, restated so this module does not deep-import its internals. */
export interface ChannelConnector {
  connect(path: string, textHandler: ((text: string) => boolean) | null, binaryHandler: ((stream: number, buff: Buffer) => boolean) | null): Promise<WsSocket>;
}

const MAX_REFUSAL_BODY = 64 * 1024;
const CLOSE_CHANNEL = 255;

export interface ChannelConnectorOptions {
  kc: KubeConfig;
  /** Subprotocols to offer, most preferred first (tests narrow this to v4). */
  protocols?: readonly string[];
  handshakeTimeoutMs?: number;
  /** Called when a socket errors after it opened (the executor decides what it means). */
  onSocketError?: (ws: WsSocket, e: Error) => void;
}

export function channelConnector(opts: ChannelConnectorOptions): ChannelConnector {
  return {
    async connect(path, textHandler, binaryHandler) {
      const { WebSocket } = await import('ws');
      const cluster = opts.kc.getCurrentCluster();
      if (!cluster) throw new Error('No cluster is defined in the kubeconfig context.');
      // Keep a path prefix of the server (API proxies such as Rancher serve under one).
      const url = `${cluster.server.replace(/^http(s?):/, 'ws$1:').replace(/\/+$/, '')}${path}`;
      const tls: Record<string, unknown> = {};
      await opts.kc.applyToHTTPSOptions(tls);
      return new Promise<WsSocket>((resolve, reject) => {
        let opened = false;
        const ws = new WebSocket(url, [...(opts.protocols ?? CHANNEL_PROTOCOLS)], {
          ...tls,
          perMessageDeflate: false,
          handshakeTimeout: opts.handshakeTimeoutMs ?? 15_000,
        });
        ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size <= MAX_REFUSAL_BODY) chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: ApiStatus | string | undefined = text.trim() || undefined;
            try {
              body = JSON.parse(text) as ApiStatus;
            } catch {
              // not a Status: keep the text
            }
            // Destroying the request with our error makes ws report it and close.
            req.destroy(new ExecUpgradeError(res.statusCode ?? 0, body));
          });
          res.on('error', (e) => req.destroy(e));
        });
        ws.on('open', () => {
          opened = true;
          resolve(ws);
        });
        ws.on('error', (e: Error) => {
          if (!opened) reject(e);
          else opts.onSocketError?.(ws, e);
        });
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) {
            if (textHandler && !textHandler(data.toString('utf8'))) ws.close();
            return;
          }
          if (data.length === 0 || data[0] === CLOSE_CHANNEL) return; // a server-side stream close: the status follows
          let keep = true;
          try {
            keep = binaryHandler ? binaryHandler(data[0]!, data.subarray(1)) : true;
          } catch (e) {
            opts.onSocketError?.(ws, e instanceof Error ? e : new Error(String(e)));
            keep = false;
          }
          if (!keep) ws.close();
        });
      });
    },
  };
}
