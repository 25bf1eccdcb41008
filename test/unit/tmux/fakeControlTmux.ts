// A scripted tmux control-mode client for unit tests: it answers each command line written
// to it with a %begin/%end block (or %error), and lets the test push notifications and
// end the stream, the way `tmux -C attach-session` does.
import type { CommandStream, ExecOptions, ExecResult, StreamHandlers, StreamingExecutor } from '../../../src/tmux/executor';

export interface FakeControlOptions {
  /** tmux's answer to the attach on the command line: undefined accepts it. */
  refuseAttach?: string;
  /** Answer to a command line: a string is its output, an Error its %error text, null no answer. */
  answer?: (line: string) => string | Error | null;
}

export class FakeControlTmux implements StreamingExecutor {
  readonly where = 'the test host';
  readonly opened: string[][] = [];
  readonly lines: string[] = [];
  closed = 0;
  private handlers: StreamHandlers | undefined;
  /** Set once a command is never answered: tmux is stuck, nothing after it comes back. */
  private silent = false;
  private seq = 0;

  constructor(private readonly opts: FakeControlOptions = {}) {}

  exec(_argv: readonly string[], _opts?: ExecOptions): Promise<ExecResult> {
    return Promise.reject(new Error('not used'));
  }

  async openStream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    this.opened.push([...argv]);
    this.handlers = handlers;
    queueMicrotask(() => {
      if (this.opts.refuseAttach) {
        this.block(this.opts.refuseAttach, true);
        this.end(1);
      } else {
        this.block('', false, 0);
        this.out('%session-changed $0 ta-one\n');
      }
    });
    return {
      write: (text) => {
        for (const line of text.split('\n').filter(Boolean)) {
          // The client's end-of-answer marker is echoed, like tmux's display-message -p.
          const marker = /^display-message -p (tmux-agents-end-\S+)$/.exec(line);
          if (marker) {
            if (!this.silent) queueMicrotask(() => this.block(marker[1]!, false));
            continue;
          }
          this.lines.push(line);
          // Like tmux: one block per command of the line, none after the first error.
          for (const cmd of line.split(' ; ')) {
            const a = this.opts.answer ? this.opts.answer(cmd) : '';
            if (a === null) {
              this.silent = true;
              break;
            }
            queueMicrotask(() => (a instanceof Error ? this.block(a.message, true) : this.block(a, false)));
            if (a instanceof Error) break;
          }
        }
      },
      close: () => {
        this.closed++;
        queueMicrotask(() => this.end(0));
      },
    };
  }

  /** Writes raw control-mode output. */
  out(text: string): void {
    this.handlers?.onStdout(text);
  }

  notify(line: string): void {
    this.out(`${line}\n`);
  }

  end(exitCode: number, stderr = ''): void {
    const h = this.handlers;
    this.handlers = undefined;
    h?.onEnd({ exitCode, stderr });
  }

  private block(body: string, error: boolean, flags = 1): void {
    const n = this.seq++;
    this.out(`%begin 1700000000 ${n} ${flags}\n${body ? body + '\n' : ''}%${error ? 'error' : 'end'} 1700000000 ${n} ${flags}\n`);
  }
}
