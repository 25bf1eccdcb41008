// A tmux control-mode client (`tmux -C`) over a long-running command: commands are lines
// written to its stdin, answered by %begin … %end (or %error) blocks; everything else it
// prints between blocks is a notification (%sessions-changed, %subscription-changed, %exit).
// Only our own fixed commands go through it, never user text: see controlQuote.
import { TmuxAgentsError } from '../core/errors';
import { Emitter, type Event } from '../core/lifecycle';
import type { CommandStream, StreamingExecutor } from './executor';

export interface ControlNotification {
  /** Without the '%': "sessions-changed", "subscription-changed", "exit", ... */
  name: string;
  /** The rest of the line after the name and one space. */
  rest: string;
}

export interface ControlEnd {
  /** What ended it, for the log: tmux's %exit reason, its stderr, or the channel's error. */
  reason: string;
}

/** Quotes one argument for tmux's command parser, single-quoted unless plainly safe. */
export function controlQuote(arg: string): string {
  if (/[\n\r\0]/.test(arg)) throw new TmuxAgentsError('invalid-input', 'A control-mode command argument contains a line break.');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface Waiter {
  resolve(out: string): void;
  reject(e: Error): void;
}

export class TmuxControlClient {
  private buffer = '';
  private readonly waiting: Waiter[] = [];
  private block: { lines: string[] } | undefined;
  private stream: CommandStream | undefined;
  private ended: ControlEnd | undefined;
  private exitReason: string | undefined;
  private readonly _onNotification = new Emitter<ControlNotification>();
  readonly onNotification: Event<ControlNotification> = this._onNotification.event;
  private readonly _onEnd = new Emitter<ControlEnd>();
  /** Fires once, when the client has ended for whatever reason; pending commands fail. */
  readonly onEnd: Event<ControlEnd> = this._onEnd.event;

  private constructor(private readonly where: string) {}

  /**
   * Starts `argv` (a `tmux … -C attach-session …` command) and resolves once tmux has
   * answered the attach; rejects with tmux's own message when it refuses.
   */
  static async open(executor: StreamingExecutor, argv: readonly string[]): Promise<TmuxControlClient> {
    const client = new TmuxControlClient(executor.where);
    // The attach given on the command line is answered like any command (flags 0).
    const attached = new Promise<string>((resolve, reject) => client.waiting.push({ resolve, reject }));
    client.stream = await executor.openStream(argv, {
      onStdout: (text) => client.onData(text),
      onEnd: (end) => client.finish(end.error ?? client.exitReason ?? (end.stderr.trim() || `tmux exited with status ${end.exitCode}`)),
    });
    try {
      await attached;
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  get isOpen(): boolean {
    return this.ended === undefined;
  }

  /** Runs one tmux command (argv without "tmux"); resolves with its output. */
  run(args: readonly string[]): Promise<string> {
    if (this.ended) return Promise.reject(this.endedError());
    const line = args.map(controlQuote).join(' ');
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.stream!.write(`${line}\n`);
    });
  }

  close(): void {
    this.stream?.close();
  }

  private endedError(): Error {
    return new TmuxAgentsError('tmux-failed', `The tmux control client on ${this.where} has ended: ${this.ended?.reason ?? 'closed'}.`);
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = { reason };
    const err = this.endedError();
    for (const w of this.waiting.splice(0)) w.reject(err);
    this._onEnd.fire(this.ended);
    this._onEnd.dispose();
    this._onNotification.dispose();
  }

  private onData(text: string): void {
    this.buffer += text;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.block) {
      if (line.startsWith('%end ') || line.startsWith('%error ')) {
        const { lines } = this.block;
        this.block = undefined;
        const w = this.waiting.shift();
        if (!w) return;
        if (line.startsWith('%end ')) w.resolve(lines.join('\n'));
        else w.reject(new TmuxAgentsError('tmux-failed', `tmux on ${this.where}: ${lines.join(' ').trim() || 'command failed'}`));
      } else {
        this.block.lines.push(line);
      }
      return;
    }
    // "%begin <time> <number> <flags>": one block per command, in the order sent.
    if (line.startsWith('%begin ')) {
      this.block = { lines: [] };
      return;
    }
    if (!line.startsWith('%')) return;
    const space = line.indexOf(' ');
    const name = line.slice(1, space < 0 ? undefined : space);
    const rest = space < 0 ? '' : line.slice(space + 1);
    if (name === 'exit') this.exitReason = rest ? `tmux detached the client: ${rest}` : 'tmux detached the client';
    this._onNotification.fire({ name, rest });
  }
}
