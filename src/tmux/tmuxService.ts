// tmux operations as argv, run through whichever executor reaches the agent.
import { TmuxAgentsError } from '../core/errors';
import type { CommandExecutor, ExecResult } from './executor';
import {
  FIELD_SEP,
  capturePaneArgs,
  listSessionsArgs,
  newSessionArgs,
  paneStateArgs,
  parsePaneStateLine,
  SEP,
  type PaneStateLine,
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

export type PaneState = PaneStateLine;

let bufferCounter = 0;

/** The global part of a tmux argv for these options (see TmuxService.globalArgs). */
export function tmuxGlobalArgs(opts: Pick<TmuxServiceOptions, 'utf8' | 'configFile' | 'socketName'>): string[] {
  return [...(opts.utf8 ? ['-u'] : []), ...(opts.configFile ? ['-f', opts.configFile] : []), ...(opts.socketName ? ['-L', opts.socketName] : [])];
}

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
    return tmuxGlobalArgs({ utf8: this.utf8, configFile: this.configFile, socketName: this.socketName });
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
    return this.checkedPaneState(session, await this.run(paneStateArgs(session)));
  }

  /** The pane's state and its screen in one round trip (display-message ; capture-pane). */
  async paneStateAndScreen(session: string): Promise<{ state: PaneState; screen: string }> {
    const out = await this.run([...paneStateArgs(session), SEP, ...capturePaneArgs(session)]);
    const nl = out.indexOf('\n');
    return { state: this.checkedPaneState(session, nl < 0 ? out : out.slice(0, nl)), screen: nl < 0 ? '' : out.slice(nl + 1) };
  }

  private checkedPaneState(session: string, line: string): PaneState {
    const state = parsePaneStateLine(line);
    // display-message does not fail on a missing target: it prints empty fields.
    if (state.pid === undefined) throw new TmuxAgentsError('tmux-no-session', `tmux display-message on ${this.where}: can't find session: ${session}.`);
    return state;
  }

  /**
   * Captures the screen, then pastes `text` (see pasteText), in one round trip; returns the
   * screen as it was before the paste.
   */
  async captureThenPaste(session: string, text: string): Promise<string> {
    const buffer = `tmux-agents-${process.pid}-${++bufferCounter}`;
    return this.run([...capturePaneArgs(session), SEP, ...pasteTextArgs(session, buffer)], text);
  }
}
