// Runs an argv on the SSH host as one exec channel of the shared connection. sshd hands
// the command line to the user's login shell, so the argv crosses exactly one shell,
// quoted by shellJoin: every argument arrives as the literal string it was.
import { constants } from 'node:os';
import { TmuxAgentsError } from '../../core/errors';
import type { ClientChannel } from 'ssh2';
import { StringDecoder } from 'node:string_decoder';
import { appendTail, type CommandStream, type ExecOptions, type ExecResult, type StreamHandlers, type StreamingExecutor } from '../../tmux/executor';
import { shellJoin } from '../../tmux/shellQuote';
import { connectionLostError } from './sshErrors';
import type { SshConnection } from './sshConnection';

export class SshExecExecutor implements StreamingExecutor {
  constructor(private readonly connection: SshConnection) {}

  get where(): string {
    return this.connection.where;
  }

  /**
   * `opts.timeoutMs` bounds the command once its channel is open; connecting has its own
   * bound (connectTimeoutMs per attempt), so an unreachable host reports as unreachable,
   * not as a slow tmux command.
   */
  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = commandLine(argv);
    const { channel, target, release } = await this.connection.openExec(command);
    return new Promise<ExecResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let exitCode: number | undefined;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      channel.on('data', (d: Buffer) => out.push(d));
      channel.stderr.on('data', (d: Buffer) => err.push(d));
      channel.on('exit', (code: number | null, signal?: string) => {
        if (typeof code === 'number') exitCode = code;
        else if (signal) exitCode = 128 + ((constants.signals as Record<string, number>)[signal] ?? 0);
      });
      // Write errors surface again as a close without an exit status; nothing to add here.
      channel.on('error', () => undefined);
      channel.once('close', () => {
        release();
        settle(() => {
          if (exitCode === undefined) {
            // No exit status: the connection went away under the command. It may or may not
            // have run, so it is not retried here; the connection reopens for the next one.
            reject(connectionLostError(target, this.where, command));
            return;
          }
          resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode });
        });
      });
      if (opts.timeoutMs) {
        timer = setTimeout(() => {
          settle(() => reject(new TmuxAgentsError('timeout', `"${command.slice(0, 120)}" on ${this.where} did not finish within ${opts.timeoutMs} ms.`)));
          // Closing the channel alone leaves a command that never writes running on the host.
          killRemote(channel);
          channel.close();
        }, opts.timeoutMs);
      }
      // Input, then EOF: tmux load-buffer - reads until end of input.
      channel.end(opts.input ?? undefined);
    });
  }

  /**
   * Keeps one exec channel open for a long-running command (tmux control mode), beside the
   * connection's slots for short commands (see SshConnection.openStream).
   */
  async openStream(argv: readonly string[], handlers: StreamHandlers): Promise<CommandStream> {
    const command = commandLine(argv);
    const channel = await this.connection.openStream(command);
    const decoder = new StringDecoder('utf8');
    let stderr = '';
    let exitCode: number | undefined;
    let open = true;
    channel.on('data', (d: Buffer) => handlers.onStdout(decoder.write(d)));
    channel.stderr.on('data', (d: Buffer) => (stderr = appendTail(stderr, d.toString('utf8'))));
    channel.on('exit', (code: number | null) => {
      if (typeof code === 'number') exitCode = code;
    });
    channel.on('error', () => undefined); // surfaces as the close below
    channel.once('close', () => {
      open = false;
      handlers.onEnd(exitCode === undefined ? { stderr, error: `the SSH channel to ${this.where} closed` } : { exitCode, stderr });
    });
    return {
      write: (text) => {
        if (open) channel.write(text);
      },
      close: () => {
        if (!open) return;
        killRemote(channel);
        channel.end();
        channel.close();
      },
    };
  }
}

function commandLine(argv: readonly string[]): string {
  if (argv.length === 0 || !argv[0]) throw new TmuxAgentsError('invalid-input', 'Empty command.');
  if (argv.some((a) => a.includes('\0'))) throw new TmuxAgentsError('invalid-input', 'A command argument contains a NUL byte, which cannot cross SSH.');
  return shellJoin(argv);
}

/**
 * Sends SIGKILL to the command's process group (the "signal" channel request, which
 * OpenSSH 7.9+ honours). ssh2's channel.signal() refuses once our side has sent EOF, and
 * we send EOF right after the input; the request is valid until the channel closes
 * (RFC 4254 6.9), so it goes through the protocol object directly.
 */
function killRemote(channel: ClientChannel): void {
  const c = channel as unknown as {
    outgoing?: { id: number; state: string };
    _client?: { _protocol?: { signal?(id: number, name: string): void } };
  };
  const state = c.outgoing?.state;
  if (c.outgoing && (state === 'open' || state === 'eof')) {
    try {
      c._client?._protocol?.signal?.(c.outgoing.id, 'KILL');
    } catch {
      // the connection is going away; closing the channel is all that is left
    }
  }
}
