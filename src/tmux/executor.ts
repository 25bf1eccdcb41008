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
