// One SSH connection per host, shared by every command as exec channels: opened on first
// use, kept alive, re-opened after a drop (bounded retries with backoff), closed on
// dispose. Concurrent callers wait for the same connect; channels beyond the server's
// limit wait in ChannelSlots. ssh2 is loaded on the first connect, not at activation.
import type { Client, ClientChannel } from 'ssh2';
import { delay } from '../../core/async';
import { TmuxAgentsError } from '../../core/errors';
import type { Disposable } from '../../core/lifecycle';
import { nullLogger, type Logger } from '../../core/log';
import { ChannelSlots } from './channelSlots';
import { TransientFailure, connectOnce, loadSsh2, type SshLibError } from './sshConnect';
import { unreachableError, unsupportedConfigError } from './sshErrors';
import { resolveSshTarget, targetLabel, type ResolveEnv, type SshHostOptions, type SshTarget } from './sshTarget';

export interface SshConnectionOptions {
  host: SshHostOptions;
  /** Per connect attempt: TCP connect, handshake and authentication. Default 10 s. */
  connectTimeoutMs?: number;
  /** SSH keep-alive; a connection that misses `keepaliveCountMax` answers is dropped. Default 15 s, 3. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Connect attempts before giving up on an unreachable host. Default 3. */
  connectAttempts?: number;
  /** First backoff between attempts, doubled each time. Default 250 ms. */
  backoffMs?: number;
  /** Exec channels open at once. Default 8, under OpenSSH's default MaxSessions of 10. */
  maxChannels?: number;
  logger?: Logger;
  /** Home, local user, agent socket: injectable for tests. */
  env?: ResolveEnv;
}

export interface ExecChannel {
  channel: ClientChannel;
  target: SshTarget;
  /** Frees the channel's slot; call once the channel has closed. */
  release(): void;
}

/**
 * The server refused a channel: past MaxSessions OpenSSH answers "open failed" (reason 2,
 * connect failed); other servers use 1 (prohibited) or 4 (resource shortage).
 */
function isRefusal(err: SshLibError): boolean {
  return err.reason === 1 || err.reason === 2 || err.reason === 4;
}

/** Retries of a refused channel while sshd frees a session that just closed. */
const SETTLE_RETRIES = 4;

// ssh2's messages for a connection that died under a channel request.
const CONNECTION_GONE = /not connected|no response from server|closed|reset|epipe|timed out/i;

export class SshConnection implements Disposable {
  private client?: Client;
  private connecting?: Promise<Client>;
  private target?: SshTarget;
  private disposed = false;
  private readonly abort = new AbortController();
  private readonly slots: ChannelSlots;
  private readonly log: Logger;
  private readonly connectTimeoutMs: number;
  private opened = 0;
  /** Long-lived channels (tmux control mode); outside the slots, which bound short execs. */
  private readonly streams = new Set<ClientChannel>();
  private streamsRefused: string | undefined;

  constructor(private readonly opts: SshConnectionOptions) {
    this.slots = new ChannelSlots(opts.maxChannels ?? 8);
    this.log = opts.logger ?? nullLogger;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  }

  /** "ssh host dev@box:22" once resolved; the alias or settings before that. */
  get where(): string {
    if (this.target) return `ssh host ${targetLabel(this.target)}`;
    const h = this.opts.host;
    if (h.alias !== undefined && h.host === undefined) return `ssh host ${h.alias}`;
    return `ssh host ${h.user ? `${h.user}@` : ''}${h.host}:${h.port ?? 22}`;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Connections opened so far; a reconnect shows as 2+. */
  get connectCount(): number {
    return this.opened;
  }

  /**
   * A new exec channel running `command` (already shell-quoted). If the connection turns
   * out to be dead before the channel opens, the command has not started, so it is
   * retried once on a fresh connection: that is what makes a drop transparent.
   */
  async openExec(command: string): Promise<ExecChannel> {
    let freshConnections = 0;
    let settleRetries = 0;
    for (;;) {
      await this.slots.acquire();
      let client: Client;
      try {
        client = await this.ready();
      } catch (e) {
        this.slots.release();
        throw e;
      }
      try {
        const channel = await this.openChannel(client, command);
        let released = false;
        const release = () => {
          if (!released) {
            released = true;
            this.slots.release();
          }
        };
        return { channel, target: this.target!, release };
      } catch (e) {
        this.slots.release();
        if (this.disposed) throw this.disposedError();
        const err = e as SshLibError;
        const othersOpen = this.slots.inUse;
        const refused = isRefusal(err);
        // The host's MaxSessions leaves no room beside a live-updates channel: commands win.
        if (refused && othersOpen === 0 && this.streams.size > 0 && this.client === client) {
          this.streamsRefused = `${this.where} allows too few sessions per connection (sshd MaxSessions) to keep one open for live updates`;
          this.log.warn(`${this.streamsRefused}; closing it, its agents are polled instead.`);
          for (const s of this.streams) s.close();
          this.streams.clear();
          continue;
        }
        if (refused && othersOpen > 0 && this.client === client) {
          this.slots.lowerTo(othersOpen);
          this.log.debug(`${this.where} refused a channel with ${othersOpen} open; limiting to ${this.slots.max}.`);
          continue;
        }
        // None of ours open, yet refused: sshd frees a session a moment after its channel
        // closes, so a host with a MaxSessions this low refuses a command that follows
        // another at once. A short wait, a few times, before calling it an error.
        if (refused && othersOpen === 0 && settleRetries < SETTLE_RETRIES && this.client === client) {
          await this.settle(settleRetries++);
          continue;
        }
        if (freshConnections < 1 && (this.client !== client || CONNECTION_GONE.test(err.message))) {
          freshConnections++;
          this.drop(client, `channel request failed: ${err.message}`);
          continue;
        }
        throw new TmuxAgentsError('runtime-unreachable', `Could not open an SSH channel on ${this.where}: ${err.message}.`, 'Retry; if it persists, check the host (load, MaxSessions in sshd_config).', { cause: e });
      }
    }
  }

  /**
   * A channel for a command that keeps running (tmux control mode). It takes no slot: the
   * slots bound short commands, which must never wait behind it; if the host then refuses
   * a command for want of sessions, these channels are closed and not opened again.
   */
  async openStream(command: string): Promise<ClientChannel> {
    if (this.streamsRefused) throw new TmuxAgentsError('runtime-unreachable', `${this.streamsRefused}.`);
    const client = await this.ready();
    let channel: ClientChannel;
    for (let settleRetries = 0; ; settleRetries++) {
      try {
        channel = await this.openChannel(client, command);
        break;
      } catch (e) {
        const err = e as SshLibError;
        // As for commands: a session that just closed may not be free yet.
        if (!isRefusal(err) || settleRetries >= SETTLE_RETRIES || this.disposed) throw new TmuxAgentsError('runtime-unreachable', `${this.where} refused a channel for live updates: ${err.message}.`, undefined, { cause: e });
        await this.settle(settleRetries);
      }
    }
    this.streams.add(channel);
    channel.once('close', () => this.streams.delete(channel));
    return channel;
  }

  /** The wait before retry `n` of a refused channel: 25, 50, 100, 200 ms. */
  private settle(n: number): Promise<void> {
    return delay(25 * 2 ** n, this.abort.signal).catch(() => undefined);
  }

  /** The live client, connecting (or joining a connect in progress) if there is none. */
  private ready(): Promise<Client> {
    if (this.disposed) return Promise.reject(this.disposedError());
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connectWithRetry().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectWithRetry(): Promise<Client> {
    const ssh2 = await loadSsh2();
    const attempts = Math.max(1, this.opts.connectAttempts ?? 3);
    const backoff = this.opts.backoffMs ?? 250;
    let last: TransientFailure | undefined;
    let target: SshTarget | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.disposed) throw this.disposedError();
      // Re-read each time: a fixed ~/.ssh/config or known_hosts applies without a restart.
      target = this.target = await resolveSshTarget(this.opts.host, this.opts.env);
      if (target.unsupported.length) throw unsupportedConfigError(target);
      const started = Date.now();
      try {
        const client = await connectOnce(ssh2, target, {
          timeoutMs: this.connectTimeoutMs,
          keepaliveIntervalMs: this.opts.keepaliveIntervalMs ?? 15_000,
          keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
          log: this.log,
        });
        if (this.disposed) {
          client.end();
          throw this.disposedError();
        }
        this.opened++;
        this.log.info(`Connected to ${targetLabel(target)} in ${Date.now() - started} ms${this.opened > 1 ? ' (reconnect)' : ''}.`);
        this.adopt(client, target);
        return client;
      } catch (e) {
        if (!(e instanceof TransientFailure)) throw e;
        last = e;
        this.log.warn(`Connecting to ${targetLabel(target)} failed (attempt ${attempt}/${attempts}): ${e.message}`);
        if (attempt < attempts) await delay(backoff * 2 ** (attempt - 1), this.abort.signal).catch(() => undefined);
      }
    }
    throw unreachableError(target!, last!.cause, attempts, this.connectTimeoutMs);
  }

  /** Makes `client` the shared connection and forgets it when it closes, so the next command reconnects. */
  private adopt(client: Client, target: SshTarget): void {
    this.client = client;
    client.on('error', (e: SshLibError) => this.log.warn(`SSH connection to ${targetLabel(target)}: ${e.message}`));
    client.once('close', () => {
      if (this.client === client) {
        this.client = undefined;
        if (!this.disposed) this.log.info(`SSH connection to ${targetLabel(target)} closed; it is re-opened on the next command.`);
      }
    });
  }

  private drop(client: Client, why: string): void {
    if (this.client === client) {
      this.client = undefined;
      this.log.info(`Dropping the SSH connection to ${this.where} (${why}).`);
    }
    client.destroy();
  }

  private openChannel(client: Client, command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      let done = false;
      // A connection that died without a FIN/RST answers nothing; do not wait for keep-alive.
      const timer = setTimeout(() => {
        done = true;
        reject(new Error(`channel open timed out after ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      try {
        client.exec(command, (err, channel) => {
          if (done) {
            channel?.close();
            return;
          }
          done = true;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(channel);
        });
      } catch (e) {
        // ssh2 throws "Not connected" synchronously when the socket is already gone.
        done = true;
        clearTimeout(timer);
        reject(e);
      }
    });
  }

  private disposedError(): TmuxAgentsError {
    return new TmuxAgentsError('runtime-unreachable', `The SSH connection to ${this.where} was closed (the runtime was removed or reloaded).`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.abort.abort();
    this.slots.close(this.disposedError());
    const c = this.client;
    this.client = undefined;
    // end() closes open channels, whose commands then reject; a connect in progress ends itself on completion.
    c?.end();
  }
}
