// Pure builders of tmux argv. Unit tests assert these exactly.

/** tmux treats an argument ending in ';' as a command separator; `\;` keeps it literal. */
export function escapeTmuxArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/**
 * tmux expands formats in some arguments (the -c directory and -s name of new-session,
 * respawn-pane's -c): `#{...}` is substituted and `#(...)` runs a shell command. `##` is a
 * literal '#'.
 */
export function escapeTmuxFormat(arg: string): string {
  return arg.replace(/#/g, '##');
}

/** Marks a real command separator inside one tmux invocation. */
export const SEP = Symbol('tmux-command-separator');
export type TmuxArg = string | typeof SEP;

export function tmuxArgv(globalArgs: readonly string[], args: readonly TmuxArg[]): string[] {
  return ['tmux', ...globalArgs, ...args.map((a) => (a === SEP ? ';' : escapeTmuxArg(a)))];
}

/** Exact-match targets: tmux otherwise takes `-t foo` to mean any session starting with foo. */
export const sessionTarget = (session: string): string => `=${session}`;
export const paneTarget = (session: string): string => `=${session}:`;

export interface NewSessionSpec {
  name: string;
  cwd?: string;
  width?: number;
  height?: number;
  env?: Record<string, string>;
  /** argv; a one-element command is run by tmux through sh -c, so we avoid that form. */
  command?: readonly string[];
}

function envArgs(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

/** tmux runs a single-argument command through `sh -c`; prefix `env` so it is exec'd as is. */
export function directCommand(command: readonly string[]): string[] {
  return command.length === 1 ? ['env', command[0]] : [...command];
}

export function newSessionArgs(s: NewSessionSpec): string[] {
  return [
    'new-session', '-d', '-s', s.name,
    ...(s.cwd ? ['-c', escapeTmuxFormat(s.cwd)] : []),
    ...(s.width ? ['-x', String(s.width)] : []),
    ...(s.height ? ['-y', String(s.height)] : []),
    ...envArgs(s.env),
    ...(s.command && s.command.length ? ['--', ...directCommand(s.command)] : []),
  ];
}

export function respawnPaneArgs(session: string, command: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): string[] {
  return [
    'respawn-pane', '-k', '-t', paneTarget(session),
    ...(opts.cwd ? ['-c', escapeTmuxFormat(opts.cwd)] : []),
    ...envArgs(opts.env),
    '--', ...directCommand(command),
  ];
}

/** Several options in one invocation (one round trip, which matters over docker/ssh). */
export function setOptionsArgs(session: string, options: Record<string, string>, windowOptions: Record<string, string> = {}): TmuxArg[] {
  const out: TmuxArg[] = [];
  for (const [k, v] of Object.entries(options)) {
    if (out.length) out.push(SEP);
    out.push('set-option', '-t', paneTarget(session), k, v);
  }
  for (const [k, v] of Object.entries(windowOptions)) {
    if (out.length) out.push(SEP);
    out.push('set-option', '-w', '-t', paneTarget(session), k, v);
  }
  return out;
}

export const FIELD_SEP = '\t';
export function listSessionsArgs(fields: readonly string[]): string[] {
  return ['list-sessions', '-F', fields.map((f) => `#{${f}}`).join(FIELD_SEP)];
}

export function capturePaneArgs(session: string, lines?: number, escapes = false): string[] {
  return [
    'capture-pane', '-p', '-J', '-t', paneTarget(session),
    ...(escapes ? ['-e'] : []),
    ...(lines !== undefined ? ['-S', String(-Math.max(0, lines))] : []),
  ];
}

/** Load stdin into a named buffer, paste it bracketed and unmodified (-r keeps LF), delete it. */
export function pasteTextArgs(session: string, bufferName: string): TmuxArg[] {
  return [
    'load-buffer', '-b', bufferName, '-', SEP,
    'paste-buffer', '-p', '-r', '-d', '-b', bufferName, '-t', paneTarget(session),
  ];
}

const PANE_STATE_FIELDS = ['pane_dead', 'pane_dead_status', 'pane_pid', 'pane_current_command', 'window_activity'];

/** One line of pane state (see parsePaneStateLine). */
export function paneStateArgs(session: string): string[] {
  return ['display-message', '-p', '-t', paneTarget(session), PANE_STATE_FIELDS.map((f) => `#{${f}}`).join(FIELD_SEP)];
}

export interface PaneStateLine {
  dead: boolean;
  deadStatus?: number;
  /** Empty when the session was not found: display-message prints empty fields then. */
  pid?: number;
  currentCommand: string;
  /** Seconds since epoch of the last output in the window. */
  activity?: number;
}

export function parsePaneStateLine(line: string): PaneStateLine {
  const [dead, status, pid, cmd, activity] = line.replace(/\n$/, '').split(FIELD_SEP);
  return {
    dead: dead === '1',
    deadStatus: status ? Number(status) : undefined,
    pid: pid ? Number(pid) : undefined,
    currentCommand: cmd ?? '',
    activity: activity ? Number(activity) : undefined,
  };
}

export function sendKeysArgs(session: string, keys: readonly string[], literal = false): string[] {
  return ['send-keys', '-t', paneTarget(session), ...(literal ? ['-l'] : []), ...(literal ? ['--'] : []), ...keys];
}
