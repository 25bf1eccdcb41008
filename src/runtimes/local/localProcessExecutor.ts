// Runs an argv as a child process on this machine: no shell, stdin optional, bounded.
import { spawn } from 'node:child_process';
import { TmuxAgentsError } from '../../core/errors';
import { EXIT_NOT_FOUND, type CommandExecutor, type ExecOptions, type ExecResult } from '../../tmux/executor';

export class LocalProcessExecutor implements CommandExecutor {
  readonly where = 'this machine';

  constructor(private readonly env: NodeJS.ProcessEnv = LocalProcessExecutor.cleanEnv()) {}

  /** Our environment minus TMUX/TMUX_PANE, so running inside tmux never targets the user's server. */
  static cleanEnv(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.TMUX;
    delete env.TMUX_PANE;
    return env;
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const [file, ...args] = argv;
      if (!file) return reject(new TmuxAgentsError('invalid-input', 'Empty command.'));
      const child = spawn(file, args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      if (opts.timeoutMs) {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          finish(() => reject(new TmuxAgentsError('timeout', `"${argv.join(' ').slice(0, 120)}" on ${this.where} did not finish within ${opts.timeoutMs} ms.`)));
        }, opts.timeoutMs);
      }
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') {
          finish(() => resolve({ stdout: '', stderr: `${file}: command not found`, exitCode: EXIT_NOT_FOUND }));
        } else {
          finish(() => reject(new TmuxAgentsError('tmux-failed', `Could not run ${file} on ${this.where}: ${e.message}`)));
        }
      });
      child.on('close', (code, signal) => {
        finish(() =>
          resolve({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(err).toString('utf8'),
            exitCode: code ?? (signal ? 128 : 1),
          }),
        );
      });
      child.stdin.on('error', () => undefined); // EPIPE when the command ignores stdin
      child.stdin.end(opts.input ?? undefined);
    });
  }
}
