// EXPERIMENT, not the runtime's code: one long-lived Docker Engine exec per container running
// a tmux control-mode client (`tmux -C attach-session -f no-output,ignore-size`), over which
// every tmux command is a line written to its stdin and a %begin … %end block read back.
// The benchmark measures it next to the runtime's one-exec-per-command executor, as the
// evidence for the improvement docs/benchmarks.md recommends: the cost of a tmux command
// in a container is the exec (runc starting a process), not the Engine API round trip.
import { PassThrough, type Duplex } from 'node:stream';
import type Docker from 'dockerode';

/** tmux command-parser quoting: single quotes, with ' written as '\''. */
export function tmuxQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./#{}-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class ControlModeChannel {
  private buffer = '';
  private readonly waiting: Array<{ resolve: (out: string) => void; reject: (e: Error) => void }> = [];
  private block: { lines: string[]; fromUs: boolean } | undefined;
  private closed = false;

  private constructor(private readonly stream: Duplex, stdout: PassThrough) {
    stdout.setEncoding('utf8');
    stdout.on('data', (d: string) => this.onData(d));
    const fail = () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('control-mode client ended'));
    };
    stream.on('close', fail);
    stream.on('end', fail);
  }

  /** Attaches a control client to `session` on the agent's tmux server (`-L socketName`). */
  static async open(docker: Docker, container: string, user: string, socketName: string, session: string): Promise<ControlModeChannel> {
    const exec = await docker.getContainer(container).exec({
      Cmd: ['tmux', '-u', '-L', socketName, '-C', 'attach-session', '-f', 'no-output,ignore-size', '-t', `=${session}`],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      User: user,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex;
    const stdout = new PassThrough();
    docker.modem.demuxStream(stream, stdout, new PassThrough());
    const ch = new ControlModeChannel(stream, stdout);
    await ch.run(['display-message', '-p', 'ready']);
    return ch;
  }

  /** Runs one tmux command (argv without "tmux"); resolves with its output. */
  run(args: readonly string[]): Promise<string> {
    if (this.closed) return Promise.reject(new Error('control-mode client ended'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.stream.write(`${args.map(tmuxQuote).join(' ')}\n`);
    });
  }

  close(): void {
    this.closed = true;
    this.stream.end();
    this.stream.destroy();
  }

  private onData(d: string): void {
    this.buffer += d;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (this.block === undefined) {
        // "%begin <time> <number> <flags>": flags 1 marks the answer to a command we sent,
        // 0 the block of the attach-session given on the command line.
        if (line.startsWith('%begin ')) this.block = { lines: [], fromUs: line.split(' ')[3] === '1' };
        continue; // notifications (%session-changed, ...) between blocks
      }
      if (line.startsWith('%end ') || line.startsWith('%error ')) {
        const { lines, fromUs } = this.block;
        this.block = undefined;
        const w = fromUs ? this.waiting.shift() : undefined;
        if (w) {
          if (line.startsWith('%end ')) w.resolve(lines.join('\n'));
          else w.reject(new Error(lines.join('\n')));
        }
        continue;
      }
      this.block.lines.push(line);
    }
  }
}
