// The last lines of a container's log, for errors ("Tmux session did not become ready").
import type Dockerode from 'dockerode';
import { errorMessage } from '../../core/errors';

/**
 * Splits the Engine's multiplexed log format (8-byte frame headers: stream type, 3 zero
 * bytes, big-endian length) into text; containers without a TTY always log this way.
 */
export function demuxLogBuffer(buf: Buffer): string {
  const parts: Buffer[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const type = buf[i]!;
    const len = buf.readUInt32BE(i + 4);
    if (type > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0) {
      // Not multiplexed after all (a TTY container): the rest is plain text.
      parts.push(buf.subarray(i));
      i = buf.length;
      break;
    }
    parts.push(buf.subarray(i + 8, Math.min(buf.length, i + 8 + len)));
    i += 8 + len;
  }
  if (i < buf.length) parts.push(buf.subarray(i));
  return Buffer.concat(parts).toString('utf8');
}

export async function containerLogTail(container: Dockerode.Container, lines = 20): Promise<string> {
  try {
    const out = (await container.logs({ stdout: true, stderr: true, follow: false, tail: lines })) as unknown;
    if (Buffer.isBuffer(out)) return demuxLogBuffer(out);
    return typeof out === 'string' ? out : '';
  } catch (e) {
    return `(could not read the container's log: ${errorMessage(e)})`;
  }
}
