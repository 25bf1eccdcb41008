// Free text reaches the agent byte-exact through real tmux: tasks (at spawn and sent
// later), environment values, and a working directory full of metacharacters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LocalRuntime } from '../../../src/runtimes/local/localRuntime';
import { TRICKY_TASKS, readAgentLog, waitForMessages } from '../../support/fakeAgent';
import { agentStatus, eventually, fakeAgentConfig, killTmuxServer, localRuntime, makeTempDir, rawTmux, removeDir, uniqueSocket } from './localHarness';

const SOCKET = uniqueSocket(import.meta.filename);
let dir: string;
let runtime: LocalRuntime;
// Files the tricky texts would create if anything ran them through a shell or tmux formats.
const PWNED = ['/tmp/pwned-by-task', '/tmp/pwned-by-backtick'];
let pwnedBefore: boolean[];

before(() => {
  dir = makeTempDir('freetext');
  runtime = localRuntime(SOCKET);
  pwnedBefore = PWNED.map((p) => existsSync(p));
});

after(async () => {
  await killTmuxServer(SOCKET);
  removeDir(dir);
});

describe('free text arrives byte-exact', () => {
  test('a working directory with spaces, quotes, $(), backticks, #{} #(), tab, unicode and a trailing ";"', async () => {
    const weird = join(dir, `it's "a dir" $(touch pwned-cwd) \`touch pwned-bt\` #{session_name} #(touch pwned-fmt) tab\there ünï 🚀 end;`);
    mkdirSync(weird);
    const log = join(dir, 'cwd.jsonl');
    const handle = await runtime.spawnAgent(fakeAgentConfig('cwd-1', { log, cwd: weird, task: 'where am I' }));
    assert.deepEqual(await waitForMessages(log, 1), ['where am I']);
    const started = readAgentLog(log).find((e) => e.event === 'started');
    assert.equal(started?.cwd, weird, 'the agent runs in the directory, not one tmux expanded or fell back from');
    assert.equal((await agentStatus(runtime, 'cwd-1'))?.workingDirectory, weird);
    for (const where of [dir, weird, process.cwd(), '/', homedir()]) {
      for (const f of ['pwned-cwd', 'pwned-bt', 'pwned-fmt']) assert.equal(existsSync(join(where, f)), false, `${f} in ${where}`);
    }
    await runtime.killAgent(handle);
  });

  test('every tricky task, delivered at spawn, and the same text as an env value', async () => {
    const entries = Object.entries(TRICKY_TASKS);
    const handles = await Promise.all(
      entries.map(([name, text]) =>
        runtime.spawnAgent(
          fakeAgentConfig(`task-${name}`, {
            log: join(dir, `task-${name}.jsonl`),
            cwd: dir,
            task: text,
            env: { FAKE_AGENT_ECHO_ENV: 'TRICKY_VALUE', TRICKY_VALUE: text },
          }),
        ),
      ),
    );
    for (const [name, text] of entries) {
      const log = join(dir, `task-${name}.jsonl`);
      const [got] = await waitForMessages(log, 1);
      assert.equal(got, text, `task ${name}`);
      assert.equal(readAgentLog(log).find((e) => e.event === 'started')?.env, text, `env ${name}`);
    }
    const listed = await runtime.listAgents();
    for (const h of handles) assert.ok(listed.some((a) => a.handle.sessionName === h.sessionName && a.status === 'running'), h.agentId);
    await Promise.all(handles.map((h) => runtime.killAgent(h)));
    assert.deepEqual((await runtime.listAgents()).filter((a) => a.handle.agentId.startsWith('task-')), []);
  });

  test('every tricky task, sent one after another to a running agent (paste, then Enter)', async () => {
    const log = join(dir, 'sent.jsonl');
    const handle = await runtime.spawnAgent(fakeAgentConfig('sent-1', { log, cwd: dir }));
    const tmux = runtime.getTmux(handle);
    const texts = Object.values(TRICKY_TASKS);
    for (const [i, text] of texts.entries()) {
      await tmux.pasteText(handle.sessionName, text);
      await tmux.sendKeys(handle.sessionName, 'Enter');
      await waitForMessages(log, i + 1);
    }
    assert.deepEqual(await waitForMessages(log, texts.length), texts);
    await runtime.killAgent(handle);
  });

  test('single-line tricky texts typed key by key (send-keys -l)', async () => {
    const log = join(dir, 'typed.jsonl');
    const handle = await runtime.spawnAgent(fakeAgentConfig('typed-1', { log, cwd: dir }));
    const tmux = runtime.getTmux(handle);
    const texts = ['quotes', 'substitution', 'backticks', 'unicode', 'semicolon', 'tmuxish'].map((k) => TRICKY_TASKS[k]!);
    for (const [i, text] of texts.entries()) {
      await tmux.typeText(handle.sessionName, text);
      await tmux.sendKeys(handle.sessionName, 'Enter');
      await waitForMessages(log, i + 1);
    }
    assert.deepEqual(await waitForMessages(log, texts.length), texts);
    await runtime.killAgent(handle);
  });

  test('nothing in the texts was run', async () => {
    PWNED.forEach((p, i) => {
      if (!pwnedBefore[i]) assert.equal(existsSync(p), false, p);
    });
    // The tmuxish text contains "; kill-server": the server must still be up for the others.
    await eventually('the server still answering', async () => ((await rawTmux(SOCKET).version()) ? true : undefined));
  });
});
