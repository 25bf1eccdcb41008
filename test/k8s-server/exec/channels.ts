// The Kubernetes remote-command channel protocols over WebSocket. Every binary message
// starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize.
// v4 made the error channel a JSON Status with the exit code; v5 added channel 255
// (close a stream, e.g. stdin EOF) which kubectl 1.31+ requires.
import type { KubeStatus } from '../status.ts';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** In order of preference; the first the client also offers wins. */
export const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;
export type ChannelProtocol = (typeof SUPPORTED_PROTOCOLS)[number];

export function pickProtocol(offered: Iterable<string>): ChannelProtocol | undefined {
  // The client's list is its preference; client-go and client-node both put v5 first.
  for (const p of offered) if ((SUPPORTED_PROTOCOLS as readonly string[]).includes(p)) return p as ChannelProtocol;
  return undefined;
}

export function supportsClose(p: ChannelProtocol): boolean {
  return p === 'v5.channel.k8s.io';
}

export function supportsResize(p: ChannelProtocol): boolean {
  return p !== 'channel.k8s.io' && p !== 'v2.channel.k8s.io';
}

export function structuredStatus(p: ChannelProtocol): boolean {
  return p === 'v5.channel.k8s.io' || p === 'v4.channel.k8s.io';
}

export type ExecOutcome = { exitCode: number } | { error: string };

/**
 * What goes on the error channel when the command ends, or undefined for nothing: v4+
 * always send a Status; older protocols send plain text, and only on failure.
 */
export function outcomeMessage(p: ChannelProtocol, command: string[], outcome: ExecOutcome): Buffer | undefined {
  let status: Omit<KubeStatus, 'kind' | 'apiVersion' | 'code'> & { code?: number };
  if ('error' in outcome) {
    status = { metadata: {}, status: 'Failure', message: outcome.error, reason: 'InternalError', details: { causes: [{ message: outcome.error }] }, code: 500 };
  } else if (outcome.exitCode === 0) {
    status = { metadata: {}, status: 'Success' };
  } else {
    status = {
      metadata: {},
      status: 'Failure',
      message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${outcome.exitCode}`,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(outcome.exitCode) }] },
    };
  }
  // Before v4 the kubelet wrote only the failure's message, as text.
  if (!structuredStatus(p)) return status.status === 'Success' ? undefined : Buffer.from(status.message ?? '');
  return Buffer.from(JSON.stringify(status));
}

export function frame(channel: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = channel;
  payload.copy(out, 1);
  return out;
}
