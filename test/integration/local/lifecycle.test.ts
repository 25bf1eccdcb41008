// The local runtime against real tmux: spawn, list, capture, send, keys, attach, kill.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import { ProviderCatalog } from '../../../src/core/providers';
import type { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { readAgentLog, waitForMessages } from '../../support/fakeAgent';
import {
  agentStatus,
  eventually,
  fakeAgentConfig,
  killTmuxServer,
  localRuntime,
  makeTempDir,
  rawTmux,
  removeDir,
  uniqueSocket,
} from './localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
const VIEWER_SOCKET = uniqueSocket(import.meta.filename, '-viewer');
let dir: string;
let runtime: LocalRuntime;

before(() => {
  dir = makeTempDir('lifecycle');
  runtime = localRuntime(SOCKET);
});

after(async () => {
  await killTmuxServer(VIEWER_SOCKET);
  await killTmuxServer(SOCKET);
  removeDir(dir);
});

describe('local runtime lifecycle', () => {
  test('spawn, list, capture, send text, send keys, exit, kill', async () => {
    const log = join(dir, 'life.jsonl');
    const before = Date.now();
    const handle = await runtime.spawnAgent(fakeAgentConfig('life-1', { log, cwd: dir, task: 'hello agent' }));
    assert.deepEqual(handle, { runtimeType: 'local', runtimeId: 'local', agentId: 'life-1', sessionName: 'ta-life-1', data: {} });
    assert.deepEqual(await waitForMessages(log, 1), ['hello agent']);

    // list
    const info = await agentStatus(runtime, 'life-1');
    assert.ok(info, 'listed');
    assert.deepEqual(info.handle, handle);
    assert.equal(info.status, 'running');
    assert.equal(info.provider, 'custom');
    assert.equal(info.taskSummary, 'hello agent');
    assert.equal(info.workingDirectory, dir);
    assert.ok(info.createdAt && info.createdAt.getTime() >= before - 1_000 && info.createdAt.getTime() <= Date.now(), `createdAt ${info.createdAt?.toISOString()}`);

    // capture
    const tmux = runtime.getTmux(handle);
    const screen = await eventually('the reply on screen', async () => {
      const s = await tmux.capturePane(handle.sessionName);
      return s.includes('received 11 bytes') ? s : undefined;
    });
    assert.match(screen, /^Fake agent 1\.0 \(test double\)$/m);
    assert.match(screen, /\[pasted 11 bytes\]/);

    // send text: paste, then Enter as its own step
    const second = 'second\nmessage; with $(stuff)';
    await tmux.pasteText(handle.sessionName, second);
    await eventually('the paste on screen', async () =>
      (await tmux.capturePane(handle.sessionName)).includes(`[pasted ${Buffer.byteLength(second)} bytes]`) ? true : undefined,
    );
    assert.equal(readAgentLog(log).filter((e) => e.event === 'message').length, 1, 'pasting alone does not submit');
    await tmux.sendKeys(handle.sessionName, 'Enter');
    assert.deepEqual(await waitForMessages(log, 2), ['hello agent', second]);

    // typed text (send-keys -l), a trailing ';' included
    await tmux.typeText(handle.sessionName, 'typed;');
    await tmux.sendKeys(handle.sessionName, 'Enter');
    assert.equal((await waitForMessages(log, 3))[2], 'typed;');

    // raw keys: C-c makes the fake agent exit; remain-on-exit keeps the session as "exited"
    await tmux.sendKeys(handle.sessionName, 'C-c');
    const exited = await eventually('status exited', async () => {
      const a = await agentStatus(runtime, 'life-1');
      return a?.status === 'exited' ? a : undefined;
    });
    // tmux 3.3a sometimes reaps the pane before it records the exit status.
    assert.match(exited.statusReason ?? '', /^the agent process exited( with status 130| \(tmux has not reported its exit status\))$/);
    assert.ok(readAgentLog(log).some((e) => e.event === 'interrupted'));
    assert.equal(await tmux.hasSession(handle.sessionName), true, 'the dead pane is kept for inspection');
    assert.match(await tmux.capturePane(handle.sessionName), /\^C/);

    // kill
    await runtime.killAgent(handle);
    assert.equal(await rawTmux(SOCKET).hasSession('ta-life-1'), false);
    assert.equal(await agentStatus(runtime, 'life-1'), undefined);
    await assert.rejects(runtime.killAgent(handle), (e) => isTmuxAgentsError(e, 'agent-not-found'));
  });

  test('default readiness (no ready pattern): waits for a stable screen before pasting', async () => {
    const rt = localRuntime(SOCKET, { id: 'stable', providers: new ProviderCatalog() });
    const log = join(dir, 'stable.jsonl');
    const task = 'multi-line task\nwould be split if pasted before the prompt enabled bracketed paste';
    const started = Date.now();
    const handle = await rt.spawnAgent(fakeAgentConfig('stable-1', { log, cwd: dir, task, args: ['--ready-after', '300'] }));
    assert.ok(Date.now() - started >= 700, 'prompt after 300 ms, then 400 ms of stable screen');
    assert.deepEqual(await waitForMessages(log, 1), [task]);
    await rt.killAgent(handle);
    assert.equal(await rawTmux(SOCKET).hasSession(handle.sessionName), false);
  });

  test('the attach command, run in a real terminal, shows the agent pane', async () => {
    const log = join(dir, 'attach.jsonl');
    const handle = await runtime.spawnAgent(fakeAgentConfig('att-1', { log, cwd: dir }));
    const { argv } = runtime.getAttachCommand(handle);
    assert.deepEqual(argv, ['tmux', '-u', '-f', '/dev/null', '-L', SOCKET, 'attach-session', '-t', '=ta-att-1']);

    // A terminal for the attach client: a session on another private tmux server.
    const viewer = rawTmux(VIEWER_SOCKET);
    await viewer.newSession({ name: 'viewer', width: 120, height: 40, command: argv });
    await eventually('the attached client', async () => {
      const clients = await rawTmux(SOCKET).run(['list-clients', '-F', '#{session_name}']);
      return clients.split('\n').includes('ta-att-1') ? true : undefined;
    });
    await runtime.getTmux(handle).typeText(handle.sessionName, 'visible-through-attach');
    const seen = await eventually('the agent pane in the viewer', async () => {
      const s = await viewer.capturePane('viewer');
      return s.includes('fake-agent> visible-through-attach') ? s : undefined;
    });
    assert.match(seen, /Fake agent 1\.0 \(test double\)/);

    await runtime.killAgent(handle);
    // The attach client exits with the session, and the viewer with it.
    await eventually('the viewer to close', async () => ((await viewer.hasSession('viewer')) ? undefined : true));
  });

  test('ping works', async () => {
    await runtime.ping();
  });
});
