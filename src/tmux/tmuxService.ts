// tmux operations as argv, run through whichever executor reaches the agent.
import { TmuxAgentsError } from '../core/errors';
import type { CommandExecutor, ExecResult } from './executor';
import {
  FIELD_SEP,
  capturePaneArgs,
  listSessionsArgs,
  newSessionArgs,
  pasteTextArgs,
  respawnPaneArgs,
  sendKeysArgs,
  sessionTarget,
  paneTarget,
  setOptionsArgs,
  tmuxArgv,
  type NewSessionSpec,
  type TmuxArg,
} from './tmuxCommands';
import { tmuxError } from './tmuxErrors';

export interface TmuxServiceOptions {
  /** `-L` socket name; our own server, so a user's tmux config or kill-server never hits agents. */
  socketName?: string;
  /** Per-command timeout. */
  timeoutMs?: number;
  /**
   * Pass `-u`: output is UTF-8 whatever the locale. Without a UTF-8 LANG/LC_* (an ssh exec,
   * a container) tmux turns tabs and non-ASCII in -F/-p output into '_'.
   */
  utf8?: boolean;
  /**
   * `-f`: the config the server starts with. '/dev/null' keeps a user's ~/.tmux.conf (say
   * `destroy-unattached on`) from reaching agents on our private server.
   */
  configFile?: string;
}

export interface PaneState {
  dead: boolean;
  deadStatus?: number;
  pid?: number;
  currentCommand: string;
  /** Seconds since epoch of the last output in the window. */
  activity?: number;
}

let bufferCounter = 0;

export class TmuxService {
  readonly socketName?: string;
  private readonly timeoutMs: number;
  private readonly utf8: boolean;
  private readonly configFile?: string;

  constructor(
    readonly executor: CommandExecutor,
    opts: TmuxServiceOptions = {},
  ) {
    this.socketName = opts.socketName;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.utf8 = opts.utf8 ?? false;
    this.configFile = opts.configFile;
  }

  get where(): string {
    return this.executor.where;
  }

  /** The global part of every tmux argv (UTF-8 flag, config file, socket selection). */
  get globalArgs(): string[] {
    return [
      ...(this.utf8 ? ['-u'] : []),
      ...(this.configFile ? ['-f', this.configFile] : []),
      ...(this.socketName ? ['-L', this.socketName] : []),
    ];
  }

  /** Full argv for a tmux command, exactly as it will run. */
  argv(args: readonly TmuxArg[]): string[] {
    return tmuxArgv(this.globalArgs, args);
  }

  async run(args: readonly TmuxArg[], input?: string): Promise<string> {
    const argv = this.argv(args);
    const r = await this.raw(argv, input);
    if (r.exitCode !== 0) throw tmuxError(argv, r, this.where);
    return r.stdout;
  }

  private raw(argv: string[], input?: string): Promise<ExecResult> {
    return this.executor.exec(argv, { input, timeoutMs: this.timeoutMs });
  }

  async version(): Promise<string> {
    return (await this.run(['-V'])).trim();
  }

  /** Rows of the requested format fields, one per session; [] when no server runs. */
  async listSessions(fields: readonly string[]): Promise<string[][]> {
    try {
      const out = await this.run(listSessionsArgs(fields));
      return out
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => l.split(FIELD_SEP));
    } catch (e) {
      if (e instanceof TmuxAgentsError && e.code === 'tmux-no-server') return [];
      throw e;
    }
  }

  async hasSession(name: string): Promise<boolean> {
    const argv = this.argv(['has-session', '-t', sessionTarget(name)]);
    const r = await this.raw(argv);
    if (r.exitCode === 0) return true;
    const err = tmuxError(argv, r, this.where);
    if (err.code === 'tmux-no-session' || err.code === 'tmux-no-server') return false;
    throw err;
  }

  async newSession(spec: NewSessionSpec): Promise<void> {
    await this.run(newSessionArgs(spec));
  }

  async respawnPane(session: string, command: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<void> {
    await this.run(respawnPaneArgs(session, command, opts));
  }

  async killSession(name: string): Promise<void> {
    await this.run(['kill-session', '-t', sessionTarget(name)]);
  }

  async setOptions(session: string, options: Record<string, string>, windowOptions: Record<string, string> = {}): Promise<void> {
    await this.run(setOptionsArgs(session, options, windowOptions));
  }

  async showOption(session: string, name: string): Promise<string | undefined> {
    const out = await this.run(['show-options', '-v', '-q', '-t', paneTarget(session), name]);
    return out.length ? out.replace(/\n$/, '') : undefined;
  }

  async capturePane(session: string, opts: { lines?: number; escapes?: boolean } = {}): Promise<string> {
    return this.run(capturePaneArgs(session, opts.lines, opts.escapes));
  }

  /** Pastes text exactly as given (bracketed, LF kept), without submitting it. */
  async pasteText(session: string, text: string): Promise<void> {
    const buffer = `tmux-agents-${process.pid}-${++bufferCounter}`;
    await this.run(pasteTextArgs(session, buffer), text);
  }

  /** Keys by tmux name (Enter, C-c, Escape, ...). */
  async sendKeys(session: string, ...keys: string[]): Promise<void> {
    await this.run(sendKeysArgs(session, keys));
  }

  /** Text typed literally, key by key (no bracketed paste). */
  async typeText(session: string, text: string): Promise<void> {
    await this.run(sendKeysArgs(session, [text], true));
  }

  async paneState(session: string): Promise<PaneState> {
    const fields = ['pane_dead', 'pane_dead_status', 'pane_pid', 'pane_current_command', 'window_activity'];
    const out = await this.run(['display-message', '-p', '-t', paneTarget(session), fields.map((f) => `#{${f}}`).join(FIELD_SEP)]);
    const [dead, status, pid, cmd, activity] = out.replace(/\n$/, '').split(FIELD_SEP);
    // display-message does not fail on a missing target: it prints empty fields.
    if (!pid) throw new TmuxAgentsError('tmux-no-session', `tmux display-message on ${this.where}: can't find session: ${session}.`);
    return {
      dead: dead === '1',
      deadStatus: status ? Number(status) : undefined,
      pid: pid ? Number(pid) : undefined,
      currentCommand: cmd ?? '',
      activity: activity ? Number(activity) : undefined,
    };
  }
}
