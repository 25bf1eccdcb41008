// DockerExecExecutor against a scripted Engine: what it asks the daemon for, how it
// demultiplexes, exit codes, "not found", errors and timeouts. The demultiplexer is
// docker-modem's own (from a real, never-connected dockerode instance).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { DockerExecExecutor } from '../../../src/runtimes/docker/dockerExecExecutor';
import { parseDockerHost } from '../../../src/runtimes/docker/dockerSocket';

const realModem = new Docker({ socketPath: '/nonexistent/never-used.sock' }).modem;
const EP = parseDockerHost('/var/run/docker.sock', 'default');

function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

interface Script {
  /** Output frames, sent once stdin ends (or at once without stdin). */
  output?: Buffer[];
  exitCode?: number;
  /** How many inspects report Running before the exit code shows. */
  runningInspects?: number;
  createError?: unknown;
  startError?: unknown;
  /** Never end the stream. */
  hang?: boolean;
}

function fakeEngine(script: Script) {
  const seen: { container?: string; execOpts?: Record<string, unknown>; startOpts?: Record<string, unknown>; stdin: Buffer[]; stdinEnded: boolean; inspects: number; destroyed: boolean } = {
    stdin: [],
    stdinEnded: false,
    inspects: 0,
    destroyed: false,
  };
  const docker = {
    modem: realModem,
    getContainer(id: string) {
      seen.container = id;
      return {
        async exec(opts: Record<string, unknown>) {
          seen.execOpts = opts;
          if (script.createError) throw script.createError;
          return {
            async start(startOpts: Record<string, unknown>) {
              seen.startOpts = startOpts;
              if (script.startError) throw script.startError;
              const emit = (s: Duplex) => {
                if (script.hang) return;
                // Split the frames at odd places: demultiplexing must not care.
                const all = Buffer.concat(script.output ?? []);
                for (let i = 0; i < all.length; i += 5) s.push(all.subarray(i, i + 5));
                s.push(null);
              };
              const stream: Duplex = new Duplex({
                read() {},
                write(chunk: Buffer, _enc, cb) {
                  seen.stdin.push(chunk);
                  cb();
                },
                final(cb) {
                  seen.stdinEnded = true;
                  emit(stream);
                  cb();
                },
                destroy(err, cb) {
                  seen.destroyed = true;
                  cb(err);
                },
              });
              if (!opts.AttachStdin) setImmediate(() => emit(stream));
              return stream;
            },
            async inspect() {
              seen.inspects++;
              return seen.inspects <= (script.runningInspects ?? 0) ? { Running: true, ExitCode: null } : { Running: false, ExitCode: script.exitCode ?? 0 };
            },
          };
        },
      };
    },
  };
  const ex = new DockerExecExecutor(async () => docker as unknown as Docker, EP, { container: 'tmux-agents-docker-a1', user: '1000:1000' });
  return { ex, seen };
}

const httpError = (statusCode: number, message: string) => Object.assign(new Error(`(HTTP code ${statusCode}) x - ${message} `), { statusCode, json: { message } });

describe('DockerExecExecutor', () => {
  test('asks the Engine for exactly one attached exec as the agent user, writes stdin and half-closes it, demuxes output', async () => {
    const { ex, seen } = fakeEngine({ output: [frame(1, 'out ü '), frame(2, 'err '), frame(1, 'more\n')], exitCode: 0, runningInspects: 2 });
    const r = await ex.exec(['tmux', '-L', 'tmux-agents', 'load-buffer', '-'], { input: 'täsk $(x)\n', timeoutMs: 5_000 });
    assert.deepEqual(r, { stdout: 'out ü more\n', stderr: 'err ', exitCode: 0 });
    assert.equal(seen.container, 'tmux-agents-docker-a1');
    assert.deepEqual(seen.execOpts, { Cmd: ['tmux', '-L', 'tmux-agents', 'load-buffer', '-'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, User: '1000:1000' });
    assert.deepEqual(seen.startOpts, { hijack: true, stdin: true });
    assert.equal(Buffer.concat(seen.stdin).toString('utf8'), 'täsk $(x)\n');
    assert.equal(seen.stdinEnded, true);
    assert.equal(seen.inspects, 3, 'polled until the exec stopped running');
    assert.equal(ex.where, 'container tmux-agents-docker-a1');
  });

  test('without input, stdin is not attached', async () => {
    const { ex, seen } = fakeEngine({ output: [frame(1, 'tmux 3.3a\n')], exitCode: 0 });
    assert.deepEqual(await ex.exec(['tmux', '-V']), { stdout: 'tmux 3.3a\n', stderr: '', exitCode: 0 });
    assert.equal(seen.execOpts?.AttachStdin, false);
    assert.deepEqual(seen.startOpts, { hijack: true, stdin: false });
  });

  test('non-zero exits are results, not errors', async () => {
    const { ex } = fakeEngine({ output: [frame(2, "can't find session: x\n")], exitCode: 1 });
    assert.deepEqual(await ex.exec(['tmux', 'has-session', '-t', '=x']), { stdout: '', stderr: "can't find session: x\n", exitCode: 1 });
  });

  test('a missing program is exit 127, like the local executor', async () => {
    const msg = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "tmux": executable file not found in $PATH: unknown\r\n';
    const { ex } = fakeEngine({ output: [frame(1, msg)], exitCode: 126 });
    assert.deepEqual(await ex.exec(['tmux', '-V']), { stdout: '', stderr: msg.trim(), exitCode: 127 });
    const { ex: ex2 } = fakeEngine({ output: [frame(1, 'OCI runtime exec failed: exec failed: stat /x: no such file or directory: unknown')], exitCode: 126 });
    assert.equal((await ex2.exec(['/x'])).exitCode, 127);
    // A real 126 from the program itself stays 126.
    const { ex: ex3 } = fakeEngine({ output: [frame(2, 'permission denied\n')], exitCode: 126 });
    assert.equal((await ex3.exec(['./script'])).exitCode, 126);
  });

  test('a removed container, a stopped container and a dead daemon are told apart', async () => {
    const gone = fakeEngine({ createError: httpError(404, 'No such container: tmux-agents-docker-a1') }).ex;
    await assert.rejects(gone.exec(['tmux', '-V']), (e) => isTmuxAgentsError(e, 'agent-not-found') && /no longer exists/.test((e as Error).message));
    const stopped = fakeEngine({ createError: httpError(409, 'Container abc is not running') }).ex;
    await assert.rejects(stopped.exec(['tmux', '-V']), (e) => isTmuxAgentsError(e, 'tmux-no-server') && /Container abc is not running/.test((e as Error).message) && /docker start/.test((e as Error).message));
    const down = fakeEngine({ createError: Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED' }) }).ex;
    await assert.rejects(down.exec(['tmux', '-V']), (e) => isTmuxAgentsError(e, 'runtime-unreachable') && /Docker daemon is not reachable at unix:\/\/\/var\/run\/docker\.sock/.test((e as Error).message));
    const other = fakeEngine({ startError: httpError(500, 'something odd') }).ex;
    await assert.rejects(other.exec(['tmux', '-V']), (e) => isTmuxAgentsError(e, 'tmux-failed') && /Running "tmux" in container tmux-agents-docker-a1 failed.*HTTP 500.*something odd/.test((e as Error).message));
  });

  test('a command that does not finish is cut off at the timeout and its connection closed', async () => {
    const { ex, seen } = fakeEngine({ hang: true });
    const t0 = Date.now();
    await assert.rejects(ex.exec(['tmux', 'attach'], { timeoutMs: 100 }), (e) => isTmuxAgentsError(e, 'timeout') && /did not finish within 100 ms/.test((e as Error).message));
    assert.ok(Date.now() - t0 < 1_000);
    assert.equal(seen.destroyed, true);
  });

  test('an empty argv is refused', async () => {
    await assert.rejects(fakeEngine({}).ex.exec([]), (e) => isTmuxAgentsError(e, 'invalid-input'));
  });
});
