import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { ChannelSlots } from '../../../src/runtimes/ssh/channelSlots';
import type { SshConnection } from '../../../src/runtimes/ssh/sshConnection';
import { SshExecExecutor } from '../../../src/runtimes/ssh/sshExecExecutor';
import type { SshTarget } from '../../../src/runtimes/ssh/sshTarget';

const TARGET: SshTarget = {
  host: 'box', port: 2222, user: 'dev', identityFiles: [], defaultIdentities: true, agent: 'disabled', knownHostsFiles: ['/kh'], unsupported: [],
};

/** Just enough of an ssh2 ClientChannel: data/stderr/exit/close events, end() with input. */
class FakeChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  written: string[] = [];
  ended = false;
  closed = false;
  end(data?: string) {
    if (data !== undefined) this.written.push(data);
    this.ended = true;
  }
  close() {
    this.closed = true;
    queueMicrotask(() => this.emit('close'));
  }
}

function executor() {
  const opened: { command: string; channel: FakeChannel; released: number }[] = [];
  const conn = {
    where: 'ssh host dev@box:2222',
    async openExec(command: string) {
      const channel = new FakeChannel();
      const entry = { command, channel, released: 0 };
      opened.push(entry);
      return { channel, target: TARGET, release: () => entry.released++ };
    },
  } as unknown as SshConnection;
  return { ex: new SshExecExecutor(conn), opened };
}

const tick = () => new Promise((r) => setImmediate(r));

test('the argv crosses as one shellJoin-quoted command line; input then EOF; output and exit status back', async () => {
  const { ex, opened } = executor();
  const p = ex.exec(['tmux', '-L', 'sock', 'load-buffer', '-b', "it's", '-'], { input: 'task $(x)\n' });
  await tick();
  const [o] = opened;
  assert.equal(o!.command, `tmux -L sock load-buffer -b 'it'\\''s' -`);
  assert.deepEqual(o!.channel.written, ['task $(x)\n']);
  assert.ok(o!.channel.ended);
  o!.channel.emit('data', Buffer.from('out ü'.slice(0, 5)));
  o!.channel.stderr.emit('data', Buffer.from('warn'));
  o!.channel.emit('exit', 3);
  o!.channel.emit('close');
  assert.deepEqual(await p, { stdout: 'out ü', stderr: 'warn', exitCode: 3 });
  assert.equal(o!.released, 1);
});

test('a UTF-8 character split across chunks is decoded whole', async () => {
  const { ex, opened } = executor();
  const p = ex.exec(['cat']);
  await tick();
  const bytes = Buffer.from('🚀');
  opened[0]!.channel.emit('data', bytes.subarray(0, 2));
  opened[0]!.channel.emit('data', bytes.subarray(2));
  opened[0]!.channel.emit('exit', 0);
  opened[0]!.channel.emit('close');
  assert.equal((await p).stdout, '🚀');
});

test('exit by signal maps to 128+n; 127 passes through for "not found"', async () => {
  const { ex, opened } = executor();
  const killed = ex.exec(['sleep', '1']);
  const missing = ex.exec(['tmux', '-V']);
  await tick();
  opened[0]!.channel.emit('exit', null, 'SIGKILL');
  opened[0]!.channel.emit('close');
  opened[1]!.channel.stderr.emit('data', Buffer.from('sh: 1: tmux: not found\n'));
  opened[1]!.channel.emit('exit', 127);
  opened[1]!.channel.emit('close');
  assert.equal((await killed).exitCode, 137);
  assert.deepEqual(await missing, { stdout: '', stderr: 'sh: 1: tmux: not found\n', exitCode: 127 });
});

test('a channel that closes without an exit status means the connection was lost', async () => {
  const { ex, opened } = executor();
  const p = ex.exec(['tmux', 'list-sessions']);
  await tick();
  opened[0]!.channel.emit('close');
  await assert.rejects(p, (e) => isTmuxAgentsError(e, 'runtime-unreachable') && e.message.startsWith('The SSH connection to dev@box:2222 was lost while running "tmux list-sessions"'));
  assert.equal(opened[0]!.released, 1);
});

test('timeout: rejects with "timeout", closes the channel, frees the slot once closed', async () => {
  const { ex, opened } = executor();
  const p = ex.exec(['sleep', '100'], { timeoutMs: 30 });
  await assert.rejects(p, (e) => isTmuxAgentsError(e, 'timeout') && e.message === '"sleep 100" on ssh host dev@box:2222 did not finish within 30 ms.');
  assert.ok(opened[0]!.channel.closed);
  await tick();
  assert.equal(opened[0]!.released, 1);
});

test('bad argv is refused before any channel opens', async () => {
  const { ex, opened } = executor();
  await assert.rejects(ex.exec([]), (e) => isTmuxAgentsError(e, 'invalid-input'));
  await assert.rejects(ex.exec(['echo', 'a\0b']), (e) => isTmuxAgentsError(e, 'invalid-input') && /NUL/.test(e.message));
  assert.equal(opened.length, 0);
});

test('channel slots: waiters run in order as slots free; the limit can drop; close fails waiters', async () => {
  const slots = new ChannelSlots(2);
  const order: number[] = [];
  await slots.acquire();
  await slots.acquire();
  const waiting = [3, 4, 5].map((n) => slots.acquire().then(() => order.push(n)));
  assert.equal(slots.inUse, 2);
  slots.lowerTo(1);
  slots.release();
  await tick();
  assert.deepEqual(order, [], 'limit 1 with one still in use: nobody else runs');
  slots.release();
  await tick();
  assert.deepEqual(order, [3]);
  slots.release();
  await waiting[1];
  assert.deepEqual(order, [3, 4]);
  slots.close(new Error('closed'));
  await assert.rejects(waiting[2]!, /closed/, 'a waiter still queued at close fails');
  assert.deepEqual(order, [3, 4]);
  await assert.rejects(slots.acquire(), /closed/);
  assert.throws(() => new ChannelSlots(0), (e) => isTmuxAgentsError(e, 'invalid-input'));
});
