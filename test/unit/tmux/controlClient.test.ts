import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TmuxControlClient, controlQuote } from '../../../src/tmux/controlClient';
import { FakeControlTmux } from './fakeControlTmux';

test('controlQuote leaves plain words alone and single-quotes the rest for tmux', () => {
  assert.equal(controlQuote('refresh-client'), 'refresh-client');
  assert.equal(controlQuote('=ta-one:'), '=ta-one:');
  assert.equal(controlQuote('a b'), "'a b'");
  assert.equal(controlQuote('#{S:#{session_name},}'), "'#{S:#{session_name},}'");
  assert.equal(controlQuote("it's;"), "'it'\\''s;'");
  assert.throws(() => controlQuote('two\nlines'), /line break/);
});

test('commands are lines; their blocks come back in order, split across chunks or not', async () => {
  const tmux = new FakeControlTmux({ answer: (l) => (l.startsWith('display-message') ? 'first line\nsecond line' : '') });
  const client = await TmuxControlClient.open(tmux, ['tmux', '-C', 'attach-session']);
  const [a, b] = await Promise.all([client.run(['display-message', '-p', 'x y']), client.run(['refresh-client', '-B', 'n::#{S:x}'])]);
  assert.equal(a, 'first line\nsecond line');
  assert.equal(b, '');
  assert.deepEqual(tmux.lines, ["display-message -p 'x y'", "refresh-client -B 'n::#{S:x}'"]);
  client.close();
});

test('output split mid-line is reassembled; notifications between blocks are reported', async () => {
  const tmux = new FakeControlTmux();
  const client = await TmuxControlClient.open(tmux, ['tmux']);
  const seen: string[] = [];
  client.onNotification((n) => seen.push(`${n.name}|${n.rest}`));
  tmux.out('%subscription-chan');
  tmux.out('ged st $0 - - - : a=0,\n%sessions-changed\n');
  assert.deepEqual(seen, ['subscription-changed|st $0 - - - : a=0,', 'sessions-changed|']);
  client.close();
});

test('an %error block rejects that command with tmux\'s words; a refused attach rejects open', async () => {
  const tmux = new FakeControlTmux({ answer: (l) => (l.startsWith('bogus') ? new Error('unknown command: bogus') : '') });
  const client = await TmuxControlClient.open(tmux, ['tmux']);
  await assert.rejects(client.run(['bogus']), /tmux on the test host: unknown command: bogus/);
  assert.equal(await client.run(['list-sessions']), '');
  client.close();

  const refusing = new FakeControlTmux({ refuseAttach: "can't find session: gone" });
  await assert.rejects(TmuxControlClient.open(refusing, ['tmux']), /can't find session: gone/);
});

test('when the client ends, pending and later commands fail, and onEnd says why once', async () => {
  const tmux = new FakeControlTmux({ answer: () => null });
  const client = await TmuxControlClient.open(tmux, ['tmux']);
  const ends: string[] = [];
  client.onEnd((e) => ends.push(e.reason));
  const pending = client.run(['list-sessions']);
  tmux.notify('%exit server exited');
  tmux.end(0);
  assert.deepEqual(ends, ['tmux detached the client: server exited']);
  await assert.rejects(pending, /The tmux control client on the test host has ended/);
  assert.equal(client.isOpen, false);
  await assert.rejects(client.run(['list-sessions']), /has ended: tmux detached the client: server exited/);
});

test('runLine: a block per command; an error ends the line, and the marker still closes the answer', async () => {
  const tmux = new FakeControlTmux({ answer: (c) => (c.startsWith('bogus') ? new Error('unknown command: bogus') : c.startsWith('display-message') ? 'shown' : '') });
  const client = await TmuxControlClient.open(tmux, ['tmux']);
  assert.deepEqual(await client.runLine('display-message -p a ; set-option x y ; display-message -p b'), { blocks: [['shown'], [], ['shown']], errors: [] });
  assert.deepEqual(await client.runLine('display-message -p a ; bogus ; display-message -p b'), { blocks: [['shown']], errors: ['unknown command: bogus'] });
  // The next line is answered on its own: nothing of the failed one leaks into it.
  assert.deepEqual(await client.runLine('set-option x y'), { blocks: [[]], errors: [] });
  await assert.rejects(client.runLine('two\nlines'), /line break/);
  client.close();
});
