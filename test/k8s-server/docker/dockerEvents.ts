// Follows the Docker event stream for this instance's containers, so pod status changes
// (a process exiting, an OOM kill, a restart) reach watchers without polling. If the
// stream breaks (dockerd restarted), it reconnects after a short pause and says so.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type { Logger } from '../types.ts';

export interface ContainerEvent {
  action: string;
  containerId: string;
  labels: Record<string, string>;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export class DockerEventFollower {
  private stream: Readable | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly docker: Docker,
    private readonly labelFilter: string,
    private readonly onEvent: (event: ContainerEvent) => void,
    private readonly log: Logger,
    /** After a reconnect: events of the gap are lost, so the owner re-reads everything. */
    private readonly onResync: () => void,
  ) {}

  /** Resolves once the subscription is active, so no event after this call is missed. */
  async start(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: { type: ['container'], label: [this.labelFilter] },
    })) as unknown as Readable;
    if (this.stopped) {
      stream.destroy();
      return;
    }
    this.stream = stream;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) this.dispatch(line);
      }
    });
    const lost = (why: string): void => {
      if (this.stopped || this.stream !== stream) return;
      this.stream = undefined;
      this.reconnectLater(`docker event stream ended (${why})`);
    };
    stream.on('error', (err) => lost(err.message));
    stream.on('end', () => lost('end'));
  }

  /** Retries every second until dockerd answers again; each failure is logged. */
  private reconnectLater(why: string): void {
    if (this.stopped || this.retry) return;
    this.log(`${why}; reconnecting`);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.start().then(
        () => this.onResync(),
        (err: unknown) => this.reconnectLater(`docker event stream reconnect failed: ${(err as Error).message}`),
      );
    }, 1000);
  }

  private dispatch(line: string): void {
    let raw: RawEvent;
    try {
      raw = JSON.parse(line) as RawEvent;
    } catch {
      this.log(`unparseable docker event: ${line.slice(0, 200)}`);
      return;
    }
    if (raw.Type !== 'container' || !raw.Actor?.ID || !raw.Action) return;
    this.onEvent({ action: raw.Action, containerId: raw.Actor.ID, labels: raw.Actor.Attributes ?? {} });
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.stream?.destroy();
    this.stream = undefined;
  }
}
