// Test doubles for the tmux layer: an executor that records every argv and stdin it is
// given and answers from a script, and a model of how tmux itself splits an argv into
// commands (cmd_parse_from_arguments in tmux 3.3a), so tests can check what tmux will see.
import type { CommandExecutor, ExecOptions, ExecResult } from '../../../src/tmux/executor';

export interface RecordedCall {
  argv: string[];
  input?: string;
  timeoutMs?: number;
}

export type Responder = (argv: string[], input: string | undefined) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

export class RecordingExecutor implements CommandExecutor {
  readonly where = 'the test host';
  readonly calls: RecordedCall[] = [];

  constructor(private readonly respond: Responder = () => ({})) {}

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.calls.push({ argv: [...argv], input: opts.input, timeoutMs: opts.timeoutMs });
    const r = await this.respond([...argv], opts.input);
    return { stdout: '', stderr: '', exitCode: 0, ...r };
  }

  /** The tmux command of each call (first word after `tmux` and its global flags). */
  commands(): string[] {
    return this.calls.map((c) => tmuxCommandOf(c.argv));
  }
}

export function tmuxCommandOf(argv: readonly string[]): string {
  let i = 1;
  while (i < argv.length && (argv[i] === '-L' || argv[i] === '-S')) i += 2;
  return argv[i] ?? '';
}

/** Real stderr of tmux 3.3a, captured on the test machine. */
export const TMUX_STDERR = {
  noServerNoSocket: 'error connecting to /tmp/tmux-0/probe-24200 (No such file or directory)\n',
  noServerStaleSocket: 'no server running on /tmp/tmux-0/probe9-24200\n',
  cantFindSession: "can't find session: x\n",
  noSuchSession: 'no such session: =x:\n',
  noSuchWindow: 'no such window: =d:\n',
  /** has-session/kill-session/capture-pane on a server without sessions (e.g. exiting after the last one). */
  noCurrentTarget: 'no current target\n',
  duplicateSession: 'duplicate session: a\n',
  unknownCommand: 'unknown command: bogus\n',
  noBuffer: 'no buffer nobuf\n',
} as const;

/**
 * How tmux 3.3a turns its argv into commands: an argument ending in ';' ends a command
 * (the rest of the argument, if any, is its last word); `\;` at the end is a literal ';'.
 */
export function tmuxParseArgv(args: readonly string[]): string[][] {
  const commands: string[][] = [];
  let cur: string[] = [];
  for (const a of args) {
    let copy = a;
    let end = false;
    if (copy.endsWith(';')) {
      copy = copy.slice(0, -1);
      if (copy.endsWith('\\')) copy = `${copy.slice(0, -1)};`;
      else end = true;
    }
    if (!end || copy.length) cur.push(copy);
    if (end) {
      commands.push(cur);
      cur = [];
    }
  }
  if (cur.length) commands.push(cur);
  return commands;
}
