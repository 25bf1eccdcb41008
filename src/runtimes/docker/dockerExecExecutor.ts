// Runs an argv inside a container through the Engine API's exec (one HTTP round trip per
// step on the daemon's socket, no `docker` process per tmux command): create the exec,
// start it hijacked, write stdin and half-close it, demultiplex stdout/stderr, then read
// the exit code from the exec's inspect.
import { PassThrough, Writable, type Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import { pollUntil } from '../../core/async';
import { TmuxAgentsError } from '../../core/errors';
import { EXIT_NOT_FOUND, appendTail, type CommandStream, type ExecOptions, type ExecResult, type StreamHandlers, type StreamingExecutor } from '../../tmux/executor';
import { daemonMessage, dockerApiError, httpStatus } from './dockerErrors';
import { describeEndpoint, type DockerEndpoint } from './dockerSocket';

export interface DockerExecTarget {
  /** Container id or name. */
  container: string;
  /** "uid:gid" (or a user name) every command runs as; tmux's socket lives under this uid. */
  user: string;
  /** For messages: the container's name (ids are 64 hex digits). */
  displayName?: string;
}

/** runc's message when the program is missing, e.g. `exec: "tmux": executable file not found in $PATH`. */
const NOT_FOUND = /(OCI runtime exec failed|exec failed).*(executable file not found|no such file or directory)/is;

class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(chunk);
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export class DockerExecExecutor implements StreamingExecutor {
  readonly where: string;

  constructor(
    private readonly docker: () => Promise<Dockerode>,
    private readonly endpoint: DockerEndpoint,
    private readonly target: DockerExecTarget,
  ) {
    const name = target.displayName ?? (/^[0-9a-f]{64}$/.test(target.container) ? target.container.slice(0, 12) : target.container);
    this.where = `container ${name}${endpoint.source === 'default' ? '' : ` on ${describeEndpoint(endpoint)}`}`;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (!argv.length || !argv[0]) throw new TmuxAgentsError('invalid-input', 'Empty command.');
    const state: { stream?: Duplex; done: boolean } = { done: false };
    const run = this.run(argv, opts.input, state);
    if (!opts.timeoutMs) return run;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // The Engine API cannot kill an exec'd process; dropping the connection closes its
        // stdin and output, which ends every tmux client command we run.
        state.stream?.destroy();
        reject(new TmuxAgentsError('timeout', `"${argv.join(' ').slice(0, 120)}" in ${this.where} did not finish within ${opts.timeoutMs} ms.`));
      }, opts.timeoutMs);
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      state.done = true;
      clearTimeout(timer);
      run.catch(() => undefined); // the loser of the race must not become an unhandled rejection
    }
  }

  private async run(argv: readonly string[], input: string | undefined, state: { stream?: Duplex; done: boolean }): Promise<ExecResult> {
    const docker = await this.docker();
    const container = docker.getContainer(this.target.container);
    const withStdin = input !== undefined;
    let exec: Dockerode.Exec;
    try {
      exec = await container.exec({
        Cmd: [...argv],
        AttachStdin: withStdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        User: this.target.user,
      });
    } catch (e) {
      throw this.containerError(e, argv);
    }
    let stream: Duplex;
    try {
      stream = (await exec.start({ hijack: true, stdin: withStdin })) as unknown as Duplex;
    } catch (e) {
      throw this.containerError(e, argv);
    }
    state.stream = stream;
    if (state.done) stream.destroy();
    const out = new Collector();
    const err = new Collector();
    docker.modem.demuxStream(stream, out, err);
    await new Promise<void>((resolve, reject) => {
      const finish = () => resolve();
      stream.once('end', finish);
      stream.once('close', finish);
      stream.once('error', (e) => (state.done ? resolve() : reject(dockerApiError(e, `Reading the output of "${argv[0]}"`, this.endpoint, 'tmux-failed'))));
      if (withStdin) stream.end(Buffer.from(input, 'utf8'));
    });
    if (state.done) return { stdout: '', stderr: '', exitCode: 1 };

    // The stream can end a moment before the daemon records the exit code.
    const info = await pollUntil(
      async () => {
        const i = await exec.inspect();
        return i.Running ? undefined : i;
      },
      { timeoutMs: 5_000, intervalMs: 5, maxIntervalMs: 100 },
    ).catch((e: unknown) => {
      throw dockerApiError(e, `Reading the exit code of "${argv[0]}"`, this.endpoint, 'tmux-failed');
    });
    const stdout = out.text();
    const stderr = err.text();
    const exitCode = info?.ExitCode ?? 1;
    if ((exitCode === 126 || exitCode === 127) && NOT_FOUND.test(stdout + stderr)) {
      // Same contract as the local executor: 127 means the program is not there.
      return { stdout: '', stderr: (stdout + stderr).trim(), exitCode: EXIT_NOT_FOUND };
    }
    return { stdout, stderr, exitCode };
  }

  /** One exec left running with its stdin open (a tmux control client); ends with the container. */
  async openStream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    if (!argv.length || !argv[0]) throw new TmuxAgentsError('invalid-input', 'Empty command.');
    const docker = await this.docker();
    let stream: Duplex;
    try {
      const exec = await docker.getContainer(this.target.container).exec({ Cmd: [...argv], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, User: this.target.user });
      stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
    } catch (e) {
      throw this.containerError(e, argv);
    }
    const stdout = new PassThrough();
    const stderrOut = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderrOut);
    const decoder = new StringDecoder('utf8');
    let stderr = '';
    let ended = false;
    stdout.on('data', (d: Buffer) => handlers.onStdout(decoder.write(d)));
    stderrOut.on('data', (d: Buffer) => (stderr = appendTail(stderr, d.toString('utf8'))));
    const end = (error?: string) => {
      if (ended) return;
      ended = true;
      handlers.onEnd({ stderr, error });
    };
    stream.once('end', () => end());
    stream.once('close', () => end());
    stream.once('error', (e) => end(`the exec stream in ${this.where} failed: ${e.message}`));
    return {
      write: (text) => {
        if (!ended) stream.write(text);
      },
      close: () => {
        stream.end();
        stream.destroy();
      },
    };
  }

  private containerError(e: unknown, argv: readonly string[]): TmuxAgentsError {
    const status = httpStatus(e);
    const name = this.target.displayName ?? this.target.container;
    if (status === 404) {
      return new TmuxAgentsError('agent-not-found', `Container ${name} no longer exists on ${describeEndpoint(this.endpoint)}.`, 'It was removed outside VS Code; refresh the view.', { cause: e });
    }
    if (status === 409 || (status === 500 && /not running|is paused|is restarting/i.test(daemonMessage(e)))) {
      // No running container means no tmux server: callers treat that like any stopped server.
      return new TmuxAgentsError('tmux-no-server', `No tmux server is running in container ${name}: ${daemonMessage(e)}.`, `Start it with "docker start ${name}", or kill the agent.`, { cause: e });
    }
    return dockerApiError(e, `Running "${argv[0]}" in ${this.where}`, this.endpoint, 'tmux-failed');
  }
}
