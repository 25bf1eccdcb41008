// A tmux control-mode client (`tmux -C`) over a long-running command: commands are lines
// written to its stdin, answered by %begin … %end (or %error) blocks; everything else it
// prints between blocks is a notification (%sessions-changed, %subscription-changed, %exit).
// Only our own fixed commands go through it, never user text: see controlQuote.
import { withTimeout } from '../core/async';
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

/** What one command line produced: each command's output lines, and the %error texts. */
export interface ControlResult {
  blocks: string[][];
  errors: string[];
}

interface Waiter {
  /** The answer is complete when a block holds exactly this line; absent: the first block. */
  sentinel?: string;
  result: ControlResult;
  resolve(r: ControlResult): void;
  reject(e: Error): void;
}

let sentinelCounter = 0;

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
    const attached = new Promise<ControlResult>((resolve, reject) => client.waiting.push({ result: { blocks: [], errors: [] }, resolve, reject }));
    client.stream = await executor.openStream(argv, {
      onStdout: (text) => client.onData(text),
      onEnd: (end) => client.finish(end.error ?? client.exitReason ?? (end.stderr.trim() || `tmux exited with status ${end.exitCode}`)),
    });
    try {
      const r = await attached;
      if (r.errors.length) throw new TmuxAgentsError('tmux-failed', `tmux on ${executor.where}: ${r.errors.join(' ')}`);
    } catch (e) {
      client.close();
      throw e;
    }
    return client;
  }

  /** open() bounded by `ms`; a client that answers after that is closed, not leaked. */
  static async openWithin(executor: StreamingExecutor, argv: readonly string[], ms: number): Promise<TmuxControlClient> {
    let abandoned = false;
    const opening = TmuxControlClient.open(executor, argv);
    opening.then((c) => abandoned && c.close(), () => undefined);
    try {
      return await withTimeout(opening, ms, `Attaching a tmux control client on ${executor.where}`);
    } catch (e) {
      abandoned = true;
      throw e;
    }
  }

  get isOpen(): boolean {
    return this.ended === undefined;
  }

  /** Runs one tmux command (argv without "tmux"); resolves with its output, rejects with its error. */
  async run(args: readonly string[]): Promise<string> {
    const r = await this.runLine(args.map(controlQuote).join(' '));
    if (r.errors.length) throw new TmuxAgentsError('tmux-failed', `tmux on ${this.where}: ${r.errors.join(' ') || 'command failed'}`);
    return r.blocks.map((b) => b.join('\n')).join('\n');
  }

  /**
   * Runs a command line (commands quoted with controlQuote, joined by " ; "). tmux answers
   * each command with its own block and skips the rest of the line after an error, so a
   * marker command on the next line says where this line's answer ends.
   */
  runLine(line: string): Promise<ControlResult> {
    if (this.ended) return Promise.reject(this.endedError());
    if (/[\n\r]/.test(line)) return Promise.reject(new TmuxAgentsError('invalid-input', 'A control-mode command line contains a line break.'));
    const sentinel = `tmux-agents-end-${process.pid}-${++sentinelCounter}-${Math.random().toString(36).slice(2)}`;
    return new Promise((resolve, reject) => {
      this.waiting.push({ sentinel, result: { blocks: [], errors: [] }, resolve, reject });
      this.stream!.write(`${line}\ndisplay-message -p ${sentinel}\n`);
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
        const w = this.waiting[0];
        if (!w) return;
        const failed = line.startsWith('%error ');
        if (w.sentinel === undefined || (!failed && lines.length === 1 && lines[0] === w.sentinel)) {
          this.waiting.shift();
          if (w.sentinel === undefined && failed) w.result.errors.push(lines.join(' ').trim() || 'command failed');
          else if (w.sentinel === undefined) w.result.blocks.push(lines);
          w.resolve(w.result);
        } else if (failed) {
          w.result.errors.push(lines.join(' ').trim() || 'command failed');
        } else {
          w.result.blocks.push(lines);
        }
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
