// Runs tmux commands over one long-lived control-mode client instead of a new process each,
// where starting a process is what costs: an exec into a container is ~50 ms of runc, a
// line to a client already attached is well under a millisecond. Everything that cannot go
// that way goes through the wrapped executor as before: commands that read stdin (pasting),
// arguments with line breaks, tmux's own flags (-V), commands that start a server
// (new-session, before any session exists), and every command while no client is attached.
import { withTimeout } from '../core/async';
import { errorMessage, isTmuxAgentsError } from '../core/errors';
import { nullLogger, type Logger } from '../core/log';
import { TmuxControlClient, controlQuote } from './controlClient';
import type { ExecOptions, ExecResult, StreamingExecutor } from './executor';

export interface ControlModeExecutorOptions {
  base: StreamingExecutor;
  /** tmux's global arguments as TmuxService passes them (-u, -f, -L). */
  globalArgs: readonly string[];
  /** After a failed attach, commands go through `base` for this long before the next try. Default 2000. */
  retryMs?: number;
  logger?: Logger;
}

/** Commands that may run before any session exists: they must not wait for a client. */
const SERVER_STARTERS = new Set(['new-session', 'new', 'start-server', 'start']);

export class ControlModeExecutor implements StreamingExecutor {
  private client: TmuxControlClient | undefined;
  private opening: Promise<TmuxControlClient | undefined> | undefined;
  private retryAt = 0;
  private disposed = false;
  private readonly log: Logger;

  constructor(private readonly opts: ControlModeExecutorOptions) {
    this.log = opts.logger ?? nullLogger;
  }

  get where(): string {
    return this.opts.base.where;
  }

  /** Whether commands currently go over a control client (for tests and the benchmark). */
  get attached(): boolean {
    return this.client?.isOpen === true;
  }

  openStream(...args: Parameters<StreamingExecutor['openStream']>): ReturnType<StreamingExecutor['openStream']> {
    return this.opts.base.openStream(...args);
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const line = this.controlLine(argv, opts);
    const client = line === undefined ? undefined : await this.ensureClient();
    if (line === undefined || !client) {
      const r = await this.opts.base.exec(argv, opts);
      // A session now exists: the next command may attach at once.
      if (r.exitCode === 0 && this.startsServer(argv)) this.retryAt = 0;
      return r;
    }
    const timeoutMs = opts.timeoutMs ?? 10_000;
    try {
      const r = await withTimeout(client.runLine(line), timeoutMs, `"${argv.join(' ').slice(0, 120)}" on ${this.where}`);
      return {
        stdout: r.blocks.map((lines) => lines.map((l) => `${l}\n`).join('')).join(''),
        stderr: r.errors.map((e) => `${e}\n`).join(''),
        exitCode: r.errors.length ? 1 : 0,
      };
    } catch (e) {
      // A client that did not answer in time is not trusted with the next command.
      if (isTmuxAgentsError(e, 'timeout')) client.close();
      // It ended before answering (the session it was attached to went away): the command
      // may not have reached tmux, and tmux commands here are safe to send again.
      else if (!client.isOpen) return this.opts.base.exec(argv, opts);
      throw e;
    }
  }

  private startsServer(argv: readonly string[]): boolean {
    return argv[0] === 'tmux' && SERVER_STARTERS.has(argv[this.opts.globalArgs.length + 1] ?? '');
  }

  /** The command line for tmux's parser, or undefined when this argv must run as a process. */
  private controlLine(argv: readonly string[], opts: ExecOptions): string | undefined {
    const g = this.opts.globalArgs;
    if (opts.input !== undefined || argv[0] !== 'tmux' || argv.length <= g.length + 1) return undefined;
    for (let i = 0; i < g.length; i++) if (argv[i + 1] !== g[i]) return undefined;
    const args = argv.slice(g.length + 1);
    if (args[0]!.startsWith('-') || SERVER_STARTERS.has(args[0]!) || args.some((a) => /[\n\r\0]/.test(a))) return undefined;
    // Back from tmuxArgv's argv form: a lone ';' separates commands, a trailing '\;' is a literal ';'.
    const commands: string[][] = [[]];
    for (const a of args) {
      if (a === ';') commands.push([]);
      else commands.at(-1)!.push(a.endsWith('\\;') ? `${a.slice(0, -2)};` : a);
    }
    if (commands.some((c) => c.length === 0)) return undefined;
    return commands.map((c) => c.map(controlQuote).join(' ')).join(' ; ');
  }

  private async ensureClient(): Promise<TmuxControlClient | undefined> {
    if (this.client?.isOpen) return this.client;
    this.client = undefined;
    if (this.disposed || Date.now() < this.retryAt) return undefined;
    this.opening ??= this.open().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async open(): Promise<TmuxControlClient | undefined> {
    try {
      // No -t: the client attaches to whichever session there is.
      const client = await TmuxControlClient.openWithin(this.opts.base, ['tmux', ...this.opts.globalArgs, '-C', 'attach-session', '-f', 'no-output,ignore-size'], 5_000);
      if (this.disposed) {
        client.close();
        return undefined;
      }
      this.client = client;
      // Its session went (the agent was killed) or the server stopped: until a new session
      // exists or the retry wait is over, commands go as processes, without a failed attach each.
      client.onEnd(() => {
        if (this.client === client) {
          this.client = undefined;
          this.retryAt = Date.now() + (this.opts.retryMs ?? 2_000);
        }
      });
      return client;
    } catch (e) {
      // Usually no session yet (or any more); commands go through processes meanwhile.
      this.retryAt = Date.now() + (this.opts.retryMs ?? 2_000);
      this.log.debug(`No tmux control client on ${this.where} (${errorMessage(e)}); running tmux commands as processes.`);
      return undefined;
    }
  }

  dispose(): void {
    this.disposed = true;
    this.client?.close();
    this.client = undefined;
  }
}
