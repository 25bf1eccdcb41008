// Runs an argv as a child process on this machine: no shell, stdin optional, bounded.
import { spawn } from 'node:child_process';
import { TmuxAgentsError } from '../../core/errors';
import { StringDecoder } from 'node:string_decoder';
import { EXIT_NOT_FOUND, appendTail, type CommandStream, type ExecOptions, type ExecResult, type StreamHandlers, type StreamingExecutor } from '../../tmux/executor';

export class LocalProcessExecutor implements StreamingExecutor {
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

  openStream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    const [file, ...args] = argv;
    if (!file) return Promise.reject(new TmuxAgentsError('invalid-input', 'Empty command.'));
    const child = spawn(file, args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const decoder = new StringDecoder('utf8');
    let stderr = '';
    let ended = false;
    const end = (info: { exitCode?: number; error?: string }) => {
      if (ended) return;
      ended = true;
      handlers.onEnd({ ...info, stderr });
    };
    child.stdout.on('data', (d: Buffer) => handlers.onStdout(decoder.write(d)));
    child.stderr.on('data', (d: Buffer) => (stderr = appendTail(stderr, d.toString('utf8'))));
    child.on('error', (e) => end({ error: `Could not run ${file} on ${this.where}: ${e.message}` }));
    child.on('close', (code, signal) => end({ exitCode: code ?? (signal ? 128 : 1) }));
    child.stdin.on('error', () => undefined); // EPIPE once the command has exited; onEnd reports it
    return Promise.resolve({
      write: (text) => {
        if (!ended && child.stdin.writable) child.stdin.write(text);
      },
      close: () => {
        child.stdin.end();
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      },
    });
  }
}
