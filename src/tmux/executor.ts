// Runs one command (an argv, never a shell string) somewhere: this machine, an SSH host,
// a container, a pod. TmuxService builds tmux argv and hands it to one of these.

export interface ExecOptions {
  /** Written to the command's stdin, then stdin is closed. */
  input?: string;
  /** Kill the command and reject with a 'timeout' error after this long. */
  timeoutMs?: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** 127 when the program does not exist where it was run, whatever the executor. */
  exitCode: number;
}

export interface CommandExecutor {
  /** Where commands run, for error messages ("this machine", "ssh dev@box", "container 3f2a..."). */
  readonly where: string;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
}

export const EXIT_NOT_FOUND = 127;

/** What a long-running command reports while it runs (see CommandExecutor.openStream). */
export interface StreamHandlers {
  /** Decoded UTF-8 stdout, in order; a character is never split across calls. */
  onStdout(text: string): void;
  /** Once, when the command has ended or its channel is gone. `stderr` is its last few KiB. */
  onEnd(end: { exitCode?: number; stderr: string; error?: string }): void;
}

/** A command left running, with its stdin open: tmux control mode. */
export interface CommandStream {
  write(text: string): void;
  /** Closes stdin and stops the command; onEnd still follows. */
  close(): void;
}

/** Executors that can keep a command running (local processes, SSH channels). */
export interface StreamingExecutor extends CommandExecutor {
  openStream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream>;
}

export function canStream(e: CommandExecutor): e is StreamingExecutor {
  return typeof (e as Partial<StreamingExecutor>).openStream === 'function';
}

/** Keeps the tail of a stream's stderr for error messages, bounded. */
export function appendTail(tail: string, chunk: string, max = 4096): string {
  const s = tail + chunk;
  return s.length > max ? s.slice(s.length - max) : s;
}
