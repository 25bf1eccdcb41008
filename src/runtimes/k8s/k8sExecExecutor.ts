// Runs an argv in an agent's pod through the API server's exec (client-node's Exec over one
// WebSocket per command, no kubectl process): stdin from `input`, stdout and stderr
// collected, the exit code from the Status on the error channel.
import { PassThrough, Writable } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import type { WebSocket as WsSocket } from 'ws';
import { TmuxAgentsError, errorMessage } from '../../core/errors';
import { EXIT_NOT_FOUND, type CommandExecutor, type ExecOptions, type ExecResult } from '../../tmux/executor';
import { channelConnector, supportsStdinClose } from './channelSocket';
import type { K8sClients } from './k8sClient';
import { whereOf } from './k8sClient';
import { apiStatusOf, httpStatusOf, isConnectionError, k8sApiError } from './k8sErrors';

export interface K8sExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** The runtime's knowledge of the server's channel protocol, learned from the first exec. */
export class ExecProtocolMemo {
  protocol: string | undefined;
}

export interface K8sExecExecutorOptions {
  /** Subprotocols to offer (tests use this to force v4). */
  protocols?: readonly string[];
  memo?: ExecProtocolMemo;
}

/** The message of a missing program: runc/containerd ("executable file not found in $PATH"), or sh's. */
const NOT_FOUND = /executable file not found|no such file or directory|: not found$/im;

/**
 * The exit code in the exec's final Status: 0 for Success, the ExitCode cause of a
 * NonZeroExitCode failure, undefined for failures of the exec itself.
 */
export function exitCodeFromStatus(s: V1Status | undefined): number | undefined {
  if (!s) return undefined;
  if (s.status === 'Success') return 0;
  if (s.reason === 'NonZeroExitCode') {
    const cause = s.details?.causes?.find((c) => c.reason === 'ExitCode');
    const n = Number(cause?.message);
    return Number.isInteger(n) ? n : undefined;
  }
  return undefined;
}

/**
 * With v4 stdin cannot be half-closed (client-node closes the whole socket, losing output
 * and exit code), so the command reads exactly the input's length instead.
 */
export function boundedStdinArgv(argv: readonly string[], bytes: number): string[] {
  return ['sh', '-c', 'n=$1; shift; head -c "$n" | "$@"', 'sh', String(bytes), ...argv];
}

class Collector extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

export class K8sExecExecutor implements CommandExecutor {
  readonly where: string;
  private readonly memo: ExecProtocolMemo;

  constructor(
    private readonly clients: () => Promise<K8sClients>,
    private readonly target: K8sExecTarget,
    context: string,
    private readonly opts: K8sExecExecutorOptions = {},
  ) {
    this.where = `pod ${target.namespace}/${target.pod}${context ? ` (context "${context}")` : ''}`;
    this.memo = opts.memo ?? new ExecProtocolMemo();
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (!argv.length || !argv[0]) throw new TmuxAgentsError('invalid-input', 'Empty command.');
    const c = await this.clients();
    const input = opts.input !== undefined ? Buffer.from(opts.input, 'utf8') : undefined;
    const command = input && !supportsStdinClose(this.memo.protocol) ? boundedStdinArgv(argv, input.length) : [...argv];
    const stdout = new Collector();
    const stderr = new Collector();
    const stdin = input ? new PassThrough() : null;
    let status: V1Status | undefined;
    let socket: WsSocket | undefined;
    let socketError: Error | undefined;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;

    // Done at the final Status (every output frame comes before it on the socket), or when
    // the socket closes without one; not at the end of the close handshake, which a slow
    // server could stretch to ws's 30 s close timeout.
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const run = (async () => {
      const connector = channelConnector({ kc: c.kc, protocols: this.opts.protocols, onSocketError: (_ws, e) => (socketError = e) });
      const exec = new c.k8s.Exec(c.kc, connector as ConstructorParameters<typeof c.k8s.Exec>[1]);
      const onStatus = (s: V1Status) => {
        status = s;
        finished();
      };
      let ws: WsSocket;
      try {
        ws = (await exec.exec(this.target.namespace, this.target.pod, this.target.container, command, stdout, stderr, stdin, false, onStatus)) as unknown as WsSocket;
      } catch (e) {
        throw this.execError(e, argv, c);
      }
      socket = ws;
      if (timedOut) ws.terminate();
      this.memo.protocol = ws.protocol;
      ws.once('close', () => finished());
      if (ws.readyState === ws.CLOSED) finished();
      if (stdin && input) {
        stdin.write(input);
        // v5: a close-stdin frame. v4: never end (that closes the socket); `head -c` ends the input.
        if (supportsStdinClose(ws.protocol)) stdin.end();
      }
      await done;
      // The server closes after the Status; make sure the socket goes even if it does not.
      if (ws.readyState !== ws.CLOSED) ws.close();
    })();

    try {
      if (opts.timeoutMs) {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            timedOut = true;
            // Closing the socket ends the exec: the process loses its stdin and output.
            socket?.terminate();
            reject(new TmuxAgentsError('timeout', `"${argv.join(' ').slice(0, 120)}" in ${this.where} did not finish within ${opts.timeoutMs} ms.`));
          }, opts.timeoutMs);
        });
        await Promise.race([run, timeout]);
      } else {
        await run;
      }
    } finally {
      clearTimeout(timer);
      run.catch(() => undefined); // the loser of the race must not become an unhandled rejection
      stdin?.destroy();
    }

    const exitCode = exitCodeFromStatus(status);
    const out = stdout.text();
    const err = stderr.text();
    if (exitCode === undefined) {
      const message = status?.message ?? (socketError ? errorMessage(socketError) : 'the connection closed before the command reported an exit status');
      if (NOT_FOUND.test(message)) return { stdout: '', stderr: message, exitCode: EXIT_NOT_FOUND };
      throw new TmuxAgentsError('tmux-failed', `Running "${argv[0]}" in ${this.where} failed: ${message}.`);
    }
    if ((exitCode === 126 || exitCode === 127) && NOT_FOUND.test(`${out}\n${err}`)) {
      // Same contract as every executor: 127 means the program is not there.
      return { stdout: '', stderr: `${out}${err}`.trim(), exitCode: EXIT_NOT_FOUND };
    }
    return { stdout: out, stderr: err, exitCode };
  }

  /** A refused exec: the pod is gone, not running, or the user may not exec. */
  private execError(e: unknown, argv: readonly string[], c: K8sClients): TmuxAgentsError {
    const w = whereOf(c, this.target.namespace);
    if (isConnectionError(e)) return k8sApiError(e, `Running "${argv[0]}"`, w);
    const http = httpStatusOf(e);
    const message = apiStatusOf(e)?.message ?? errorMessage(e);
    if (http === 404) {
      return new TmuxAgentsError('agent-not-found', `Pod ${this.target.pod} no longer exists in namespace ${this.target.namespace} (context "${w.context}").`, 'It was deleted outside VS Code; refresh the view.', { cause: e });
    }
    if (http === 400 && /container not found|not running|completed pod|waiting to start|is terminated/i.test(message)) {
      // No running container means no tmux server: callers treat that like any stopped server.
      return new TmuxAgentsError('tmux-no-server', `No tmux server is running in ${this.where}: ${message}.`, 'The pod is not running; kill the agent.', { cause: e });
    }
    if (http === 403) {
      return new TmuxAgentsError('forbidden', `Running "${argv[0]}" in ${this.where} was refused: ${message}.`, 'Your account needs the "create" permission on pods/exec in that namespace; ask a cluster admin.', { cause: e });
    }
    return k8sApiError(e, `Running "${argv[0]}" in pod ${this.target.pod}`, w, 'tmux-failed');
  }
}
