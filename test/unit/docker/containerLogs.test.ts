import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demuxLogBuffer } from '../../../src/runtimes/docker/containerLogs';

const frame = (type: number, text: string) => {
  const body = Buffer.from(text);
  const h = Buffer.alloc(8);
  h.writeUInt8(type, 0);
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
};

test('container logs: multiplexed frames become text in order; TTY logs pass through', () => {
  assert.equal(demuxLogBuffer(Buffer.concat([frame(1, 'out ü\n'), frame(2, 'err\n'), frame(1, 'last')])), 'out ü\nerr\nlast');
  assert.equal(demuxLogBuffer(Buffer.from('plain tty output\n')), 'plain tty output\n');
  assert.equal(demuxLogBuffer(Buffer.alloc(0)), '');
  assert.equal(demuxLogBuffer(frame(1, 'truncated frame').subarray(0, 12)), 'trun');
});
