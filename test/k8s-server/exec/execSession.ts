// One `pods/exec` session: a WebSocket speaking the channel protocol on one side, a
// Docker exec with a hijacked (raw, bidirectional) connection on the other. Bytes pass
// through unchanged; the exit code comes back on the error channel, then a normal close.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { DockerDemuxer } from '../docker/demux.ts';
import type { Logger } from '../types.ts';
import {
  CLOSE,
  ERROR,
  RESIZE,
  STDERR,
  STDIN,
  STDOUT,
  frame,
  outcomeMessage,
  supportsClose,
  supportsResize,
  type ChannelProtocol,
  type ExecOutcome,
} from './channels.ts';

export interface ExecRequest {
  containerId: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

// Output is paused while this much is queued on the WebSocket and resumed below the low mark.
const HIGH_WATER = 4 * 1024 * 1024;
const LOW_WATER = 1024 * 1024;

async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  // The stream can end a moment before Docker records the exit: ask until it has.
  for (let attempt = 0; attempt < 100; attempt++) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('docker exec did not report an exit code');
}

export async function runExecSession(ws: WebSocket, protocol: ChannelProtocol, docker: Docker, req: ExecRequest, log: Logger): Promise<void> {
  let dockerStream: Duplex | undefined;
  let exec: Docker.Exec | undefined;
  let stdinOpen = req.stdin;
  let wsClosed = false;
  let pendingResize: { Width: number; Height: number } | undefined;
  const earlyInput: Buffer[] = [];

  const resize = (size: { Width: number; Height: number }): void => {
    if (!exec || !dockerStream) {
      pendingResize = size;
      return;
    }
    exec.resize({ h: size.Height, w: size.Width }).catch((err: unknown) => log(`exec resize: ${(err as Error).message}`));
  };
  const closeStdin = (): void => {
    if (!stdinOpen) return;
    stdinOpen = false;
    // Half-close: Docker sees EOF on the process's stdin and keeps sending output.
    dockerStream?.end();
  };
  const onMessage = (data: Buffer): void => {
    if (data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN) {
      if (!stdinOpen || payload.length === 0) return;
      if (!dockerStream) earlyInput.push(Buffer.from(payload));
      else if (!dockerStream.write(payload)) {
        ws.pause();
        dockerStream.once('drain', () => ws.resume());
      }
    } else if (channel === RESIZE && req.tty && supportsResize(protocol)) {
      try {
        const size = JSON.parse(payload.toString('utf8')) as { Width: number; Height: number };
        if (size.Width > 0 && size.Height > 0) resize(size);
      } catch {
        log(`exec: ignoring malformed resize message ${JSON.stringify(payload.toString('utf8'))}`);
      }
    } else if (channel === CLOSE && supportsClose(protocol) && payload[0] === STDIN) {
      if (dockerStream) closeStdin();
      else earlyInput.push(Buffer.alloc(0)); // an empty marker: close once connected
    }
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) onMessage(data);
  });
  ws.on('close', () => {
    wsClosed = true;
    // The client is gone: drop the Docker connection (a TTY process gets SIGHUP).
    dockerStream?.destroy();
  });
  ws.on('error', (err) => log(`exec websocket: ${err.message}`));

  const send = (channel: number, payload: Buffer): void => {
    if (wsClosed) return;
    ws.send(frame(channel, payload), { binary: true }, (err) => {
      if (err) log(`exec websocket send: ${err.message}`);
      if (dockerStream?.isPaused() && ws.bufferedAmount < LOW_WATER) dockerStream.resume();
    });
    if (ws.bufferedAmount > HIGH_WATER) dockerStream?.pause();
  };
  const finish = (outcome: ExecOutcome): void => {
    const message = outcomeMessage(protocol, req.command, outcome);
    if (message) send(ERROR, message);
    if (!wsClosed) ws.close(1000);
  };

  // The first (empty) message on the lowest writable channel tells the client the
  // streams are open, as the kubelet does.
  send(req.stdout ? STDOUT : req.stderr ? STDERR : ERROR, Buffer.alloc(0));

  try {
    const container = docker.getContainer(req.containerId);
    exec = await container.exec({
      Cmd: req.command,
      AttachStdin: req.stdin,
      AttachStdout: req.stdout,
      AttachStderr: req.stderr && !req.tty,
      Tty: req.tty,
    });
    const stream = (await exec.start({ hijack: true, stdin: req.stdin, Tty: req.tty })) as unknown as Duplex;
    dockerStream = stream;
    if (wsClosed) {
      stream.destroy();
      return;
    }
    if (pendingResize) resize(pendingResize);
    for (const chunk of earlyInput.splice(0)) {
      if (chunk.length === 0) closeStdin();
      else if (stdinOpen) stream.write(chunk);
    }
    const demux = req.tty ? undefined : new DockerDemuxer((s, payload) => send(s === 2 ? STDERR : STDOUT, payload));
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => (demux ? demux.push(chunk) : send(STDOUT, chunk)));
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', (err) => (wsClosed ? resolve() : reject(err)));
    });
    if (wsClosed) return;
    finish({ exitCode: await exitCodeOf(exec) });
  } catch (err) {
    const e = err as { json?: { message?: string }; message?: string };
    const message = (e.json?.message ?? e.message ?? String(err)).trim();
    log(`exec ${JSON.stringify(req.command)}: ${message}`);
    finish({ error: message });
  }
}
