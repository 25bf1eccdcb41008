// Tells when the agents on one tmux server change, without polling: a control-mode client
// (`tmux -C attach-session -f no-output,ignore-size`) attached to one of the agents'
// sessions subscribes to two formats that loop over every session (`#{S:…}`). tmux
// evaluates them itself once a second and writes a line only when a value changed, so
// idle agents cost nothing. Sessions created or closed arrive as %sessions-changed.
//
// The watcher is a hint source: it never says what changed, only that a re-list is due.
// It needs tmux 3.2 or later (-B subscriptions, client flags); where it cannot attach it
// says why once and the caller keeps polling.
import { withTimeout } from '../core/async';
import { errorMessage } from '../core/errors';
import { DisposableBase, Emitter, type Event } from '../core/lifecycle';
import { Throttle } from '../core/throttle';
import { nullLogger, type Logger } from '../core/log';
import { TmuxControlClient } from './controlClient';
import { canStream } from './executor';
import { sessionTarget } from './tmuxCommands';
import type { TmuxService } from './tmuxService';

export type TmuxChange = 'sessions' | 'state' | 'activity' | 'disconnected';

export interface WatchFormats {
  /** Changes that must be shown at once (pane died, hook state); one value for all sessions. */
  state: string;
  /** Output activity; pushed at most once per activityThrottleMs. */
  activity: string;
}

export interface TmuxChangeWatcherOptions {
  tmux: TmuxService;
  formats: WatchFormats;
  /** Busy agents move the activity value every second; re-lists follow at most this often. Default 2000. */
  activityThrottleMs?: number;
  /** First wait after a failed attach, doubling up to maxRetryMs. Default 5000. */
  retryMs?: number;
  maxRetryMs?: number;
  logger?: Logger;
}

const ATTACH_TIMEOUT_MS = 10_000;
/**
 * How long a runtime's listing waits for its watchers to attach, so the refresh it serves
 * knows whether polling is needed; a slower attach goes on in the background.
 */
export const FIRST_ATTACH_WAIT_MS = 1_500;
const SUBSCRIPTION = { state: 'tmux-agents-state', activity: 'tmux-agents-activity' } as const;

export class TmuxChangeWatcher extends DisposableBase {
  private client: TmuxControlClient | undefined;
  private attaching: Promise<void> | undefined;
  private live = false;
  private disposed = false;
  private retryAt = 0;
  private retryMs: number;
  private lastFailure: string | undefined;
  private readonly activity: Throttle;
  private readonly log: Logger;
  private readonly _onDidChange = this._register(new Emitter<TmuxChange>());
  readonly onDidChange: Event<TmuxChange> = this._onDidChange.event;

  constructor(private readonly opts: TmuxChangeWatcherOptions) {
    super();
    this.log = opts.logger ?? nullLogger;
    this.activity = new Throttle(opts.activityThrottleMs ?? 2_000, () => {
      if (this.live) this._onDidChange.fire('activity');
    });
    this.retryMs = opts.retryMs ?? 5_000;
  }

  /** True while subscribed: every change on the server will be reported. */
  get isLive(): boolean {
    return this.live;
  }

  /**
   * Attaches to one of `sessions` unless already attached (or attaching, or waiting after a
   * failure). Resolves when done; never rejects: a failure is logged and polling goes on.
   */
  ensureAttached(sessions: readonly string[]): Promise<void> {
    if (this.disposed || this.client || this.attaching || sessions.length === 0) return this.attaching ?? Promise.resolve();
    if (Date.now() < this.retryAt) return Promise.resolve();
    const executor = this.opts.tmux.executor;
    if (!canStream(executor)) return Promise.resolve();
    this.attaching = this.attach(executor, sessions[0]!).finally(() => {
      this.attaching = undefined;
    });
    return this.attaching;
  }

  private async attach(executor: Parameters<typeof TmuxControlClient.open>[0], session: string): Promise<void> {
    const tmux = this.opts.tmux;
    let client: TmuxControlClient | undefined;
    const what = `Attaching a tmux control client on ${tmux.where}`;
    try {
      client = await TmuxControlClient.openWithin(executor, tmux.argv(['-C', 'attach-session', '-f', 'no-output,ignore-size', '-t', sessionTarget(session)]), ATTACH_TIMEOUT_MS);
      const c = client;
      c.onNotification((n) => this.onNotification(n.name, n.rest));
      c.onEnd((end) => this.onEnd(c, end.reason));
      await withTimeout(c.run(['refresh-client', '-B', `${SUBSCRIPTION.state}::${this.opts.formats.state}`]), ATTACH_TIMEOUT_MS, what);
      await withTimeout(c.run(['refresh-client', '-B', `${SUBSCRIPTION.activity}::${this.opts.formats.activity}`]), ATTACH_TIMEOUT_MS, what);
      if (this.disposed || !client.isOpen) {
        client.close();
        return;
      }
      this.client = client;
      this.live = true;
      this.retryMs = this.opts.retryMs ?? 5_000;
      this.retryAt = 0;
      this.lastFailure = undefined;
      this.log.debug(`Live updates from tmux on ${tmux.where}: watching through session ${session}.`);
    } catch (e) {
      client?.close();
      this.retryAt = Date.now() + this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs ?? 300_000);
      const why = errorMessage(e).replace(/\.$/, '');
      if (why !== this.lastFailure) {
        this.lastFailure = why;
        // Older tmux rejects the client flags or -B: that needs an upgrade, the rest heals itself.
        const hint = /unknown flag|invalid flag|usage:|unknown command/i.test(why) ? ' Live updates need tmux 3.2 or later there.' : '';
        this.log.warn(`No live updates from tmux on ${tmux.where} (${why}); its agents are polled instead.${hint}`);
      }
    }
  }

  private onNotification(name: string, rest: string): void {
    if (!this.live) return;
    if (name === 'sessions-changed') {
      this._onDidChange.fire('sessions');
    } else if (name === 'subscription-changed') {
      // The first value of each subscription counts too: it is read up to a second after
      // the listing that attached us, and anything that changed in between is in it.
      const sub = rest.slice(0, rest.indexOf(' '));
      if (sub === SUBSCRIPTION.state) this._onDidChange.fire('state');
      else if (sub === SUBSCRIPTION.activity) this.activity.trigger();
    }
  }

  private onEnd(client: TmuxControlClient, reason: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    this.activity.cancel();
    const wasLive = this.live;
    this.live = false;
    if (wasLive && !this.disposed) {
      // Usually the watched session was killed; the re-list this triggers attaches to another.
      this.log.debug(`tmux control client on ${this.opts.tmux.where} ended (${reason}).`);
      this._onDidChange.fire('disconnected');
    }
  }

  /** Lets go of the client, if any (reported as 'disconnected'); ensureAttached may attach again. */
  detach(): void {
    this.client?.close();
  }

  override dispose(): void {
    this.disposed = true;
    this.live = false;
    this.activity.cancel();
    this.client?.close();
    this.client = undefined;
    super.dispose();
  }
}
