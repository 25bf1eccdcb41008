// EXPERIMENT, not the runtime's code: one long-lived Docker Engine exec per container running
// a tmux control-mode client (`tmux -C attach-session -f no-output,ignore-size`), over which
// every tmux command is a line written to its stdin and a %begin … %end block read back
// (the protocol is src/tmux/controlClient.ts, which the local and SSH runtimes use for
// live updates). The benchmark measures it next to the runtime's one-exec-per-command
// executor, as the evidence for the improvement docs/benchmarks.md recommends: the cost of
// a tmux command in a container is the exec (runc starting a process), not the API round trip.
import { PassThrough, type Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Docker from 'dockerode';
import { TmuxControlClient } from '../../../src/tmux/controlClient';
import type { CommandStream, ExecResult, StreamHandlers, StreamingExecutor } from '../../../src/tmux/executor';

/** Just enough of a streaming executor over a hijacked Engine API exec for the experiment. */
class DockerExecStream implements StreamingExecutor {
  readonly where: string;
  constructor(private readonly docker: Docker, private readonly container: string, private readonly user: string) {
    this.where = `container ${container.slice(0, 12)}`;
  }
  exec(): Promise<ExecResult> {
    return Promise.reject(new Error('the experiment only streams'));
  }
  async openStream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    const exec = await this.docker.getContainer(this.container).exec({ Cmd: [...argv], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, User: this.user });
    const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
    const stdout = new PassThrough();
    this.docker.modem.demuxStream(stream, stdout, new PassThrough());
    const decoder = new StringDecoder('utf8');
    stdout.on('data', (d: Buffer) => handlers.onStdout(decoder.write(d)));
    stream.once('close', () => handlers.onEnd({ stderr: '', error: 'exec stream closed' }));
    return {
      write: (text) => stream.write(text),
      close: () => {
        stream.end();
        stream.destroy();
      },
    };
  }
}

export class ControlModeChannel {
  private constructor(private readonly client: TmuxControlClient) {}

  /** Attaches a control client to `session` on the agent's tmux server (`-L socketName`). */
  static async open(docker: Docker, container: string, user: string, socketName: string, session: string): Promise<ControlModeChannel> {
    const argv = ['tmux', '-u', '-L', socketName, '-C', 'attach-session', '-f', 'no-output,ignore-size', '-t', `=${session}`];
    return new ControlModeChannel(await TmuxControlClient.open(new DockerExecStream(docker, container, user), argv));
  }

  /** Runs one tmux command (argv without "tmux"); resolves with its output. */
  run(args: readonly string[]): Promise<string> {
    return this.client.run(args);
  }

  close(): void {
    this.client.close();
  }
}
