// Follows the daemon's event stream for one runtime's containers, as a hint that the agent
// list changed (started, stopped, removed outside VS Code). Reconnects with backoff when
// the stream breaks (a daemon restart) and reports the reconnect, since events may have
// been missed meanwhile; the tree's occasional full re-list covers anything else.
import { Follower } from '../../core/retryLoop';
import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/log';
import { LABEL } from './containerSpec';

/** Container lifecycle actions that change what the tree shows. exec_* (our own tmux calls) are left out. */
export const WATCHED_ACTIONS = ['create', 'start', 'restart', 'die', 'destroy', 'pause', 'unpause', 'rename', 'oom'] as const;

export interface ContainerEvent {
  action: string;
  containerId: string;
  /** Container labels and name, as the daemon sends them. */
  attributes: Readonly<Record<string, string>>;
}

export interface DockerEventFollowerOptions {
  docker: () => Promise<Dockerode>;
  runtimeId: string;
  onEvent: (e: ContainerEvent) => void;
  /** Called after a broken stream is re-established: events may have been missed. */
  onReconnect?: () => void;
  logger?: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export function eventFilters(runtimeId: string): Record<string, string[]> {
  return {
    type: ['container'],
    event: [...WATCHED_ACTIONS],
    label: [`${LABEL.marker}=true`, `${LABEL.runtimeId}=${runtimeId}`],
  };
}

/** Splits the newline-delimited JSON of /events; returns the events and the unfinished tail. */
export function parseEventChunk(pending: string): { events: ContainerEvent[]; rest: string } {
  const lines = pending.split('\n');
  const rest = lines.pop() ?? '';
  const events: ContainerEvent[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const raw = JSON.parse(line) as { Type?: string; Action?: string; status?: string; id?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
      const action = raw.Action ?? raw.status;
      const id = raw.Actor?.ID ?? raw.id;
      if (action && id) events.push({ action, containerId: id, attributes: raw.Actor?.Attributes ?? {} });
    } catch {
      // Not JSON: skip the line; the next full re-list corrects anything it would have said.
    }
  }
  return { events, rest };
}

export class DockerEventFollower extends Follower {
  private stream: Readable | undefined;

  constructor(private readonly opts: DockerEventFollowerOptions) {
    super('Docker event stream', opts);
  }

  protected closeCurrent(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }

  protected async connect(attempt: number): Promise<boolean> {
    const signal = this.abort.signal;
    const docker = await this.opts.docker();
    const stream = (await docker.getEvents({ filters: eventFilters(this.opts.runtimeId), abortSignal: signal })) as unknown as Readable;
    if (signal.aborted) {
      stream.destroy();
      return false;
    }
    this.stream = stream;
    // Any connection but the very first follows a gap in which events may have been lost.
    if (attempt > 0) this.opts.onReconnect?.();
    await new Promise<void>((resolve) => {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const parsed = parseEventChunk(pending + chunk.toString('utf8'));
        pending = parsed.rest;
        for (const e of parsed.events) this.opts.onEvent(e);
      });
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', (e) => {
        if (!signal.aborted) this.log.debug(`Docker event stream error: ${errorMessage(e)}`);
        resolve();
      });
    });
    this.stream = undefined;
    if (!signal.aborted) this.log.info('Docker event stream ended; reconnecting');
    return true;
  }
}
