// DockerRuntime against the real daemon: spawn with the fake agent, list by labels, every
// limit and security setting read back, byte-exact tasks, attach in a real pty, kill, and
// reconciliation by a fresh runtime instance.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, chownSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import { deliverTask } from '../../../src/tmux/agentSession';
import { ControlModeExecutor } from '../../../src/tmux/controlModeExecutor';
import { DockerRuntime } from '../../../src/runtimes/docker';
import { TRICKY_TASKS, readAgentLog, waitForMessages } from '../../support/fakeAgent';
import {
  AGENT_UID,
  captureLogger,
  tearDown,
  containersOf,
  docker,
  fakeAgentConfig,
  makeWorkspace,
  newRuntime,
  requireDockerAndImage,
  runInPty,
  uniqueId,
  waitFor,
} from './dockerTestSupport';

const RUNTIME = uniqueId('it-main');
const MiB = 1024 * 1024;
let rt: DockerRuntime;
let ws: string;
let logLines: string[];
const timings: string[] = [];

before(async () => {
  await requireDockerAndImage();
  ws = makeWorkspace('main');
  const cap = captureLogger();
  logLines = cap.lines;
  rt = newRuntime(RUNTIME, { logger: cap.logger });
});

after(async () => {
  try {
    await tearDown(rt, RUNTIME, ws);
  } finally {
    if (timings.length) console.log(`docker runtime timings:\n  ${timings.join('\n  ')}`);
  }
});

function containerId(h: AgentHandle): string {
  const id = h.data.containerId;
  assert.ok(id, 'handle carries the container id');
  return id;
}

describe('DockerRuntime against a real daemon', () => {
  test('spawn delivers the task; list finds the agent by its labels; inspect shows limits, mounts, network, user and security', async () => {
    const secret = `sk-ant-test-${Math.random().toString(36).slice(2)}`;
    const log = join(ws, 'spawn.log');
    const t0 = Date.now();
    const h = await rt.spawnAgent(
      fakeAgentConfig('spawn-a', ws, {
        task: 'first task',
        resources: { memory: 512 * MiB, cpus: 1.5 },
        env: { FAKE_AGENT_LOG: '/workspace/spawn.log', FAKE_AGENT_ECHO_ENV: 'ANTHROPIC_API_KEY' },
        secretEnv: { ANTHROPIC_API_KEY: secret },
      }),
    );
    const spawnedMs = Date.now() - t0;
    assert.deepEqual(await waitForMessages(log, 1), ['first task']);
    timings.push(`spawn returned after ${spawnedMs} ms; task recorded by the agent ${Date.now() - t0} ms after spawn began`);
    assert.equal(h.runtimeType, 'docker');
    assert.equal(h.runtimeId, RUNTIME);
    assert.equal(h.sessionName, 'ta-spawn-a');
    assert.equal(h.data.containerName, `tmux-agents-${RUNTIME}-spawn-a`);
    assert.equal(h.data.user, `${AGENT_UID}:${AGENT_UID}`);
    // The API key reached the agent's process environment...
    assert.equal(readAgentLog(log).find((e) => e.event === 'started')?.env, secret);

    const agents = await rt.listAgents();
    const a = agents.find((x) => x.handle.agentId === 'spawn-a');
    assert.ok(a, `listed: ${JSON.stringify(agents.map((x) => x.handle.agentId))}`);
    assert.equal(a.status, 'running');
    assert.equal(a.provider, 'custom');
    assert.equal(a.taskSummary, 'first task');
    assert.equal(a.workingDirectory, ws);
    assert.equal(a.handle.data.containerId, containerId(h));
    assert.equal(a.handle.sessionName, h.sessionName);

    const info = await docker.getContainer(containerId(h)).inspect();
    const hc = info.HostConfig;
    assert.equal(hc.Memory, 512 * MiB);
    assert.equal(hc.NanoCpus, 1_500_000_000);
    assert.equal(hc.PidsLimit, 1024);
    assert.equal(hc.Init, true);
    assert.equal(hc.Privileged, false);
    assert.deepEqual(hc.CapDrop, ['ALL']);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges:true']);
    assert.equal(hc.ReadonlyRootfs, false);
    assert.equal(hc.RestartPolicy?.Name, 'unless-stopped');
    assert.notEqual(hc.NetworkMode, 'host');
    assert.ok(info.NetworkSettings.Networks['tmux-agents'], `joined tmux-agents: ${Object.keys(info.NetworkSettings.Networks).join(', ')}`);
    assert.equal(info.Config.User, `${AGENT_UID}:${AGENT_UID}`);
    assert.equal(info.Config.Hostname, 'spawn-a');
    assert.equal(info.Name, `/tmux-agents-${RUNTIME}-spawn-a`);
    const labels = info.Config.Labels;
    assert.equal(labels['tmux-agents'], 'true');
    assert.equal(labels['tmux-agents.runtime-id'], RUNTIME);
    assert.equal(labels['tmux-agents.agent-id'], 'spawn-a');
    assert.equal(labels['tmux-agents.session-name'], 'ta-spawn-a');
    assert.equal(labels['tmux-agents.ai-provider'], 'custom');
    assert.ok(!Number.isNaN(Date.parse(labels['tmux-agents.created-at']!)));
    const ws2 = info.Mounts.find((m) => m.Destination === '/workspace');
    assert.equal(ws2?.Source, ws);
    assert.equal(ws2?.RW, true);
    assert.equal(info.Mounts.find((m) => m.Destination === '/opt/fixtures')?.RW, false);
    assert.ok(!info.Mounts.some((m) => /docker\.sock/.test(m.Source)), 'no Docker socket inside');
    // ...through the container's Env only: not in labels, tmux options or our log.
    assert.ok(info.Config.Env.includes(`ANTHROPIC_API_KEY=${secret}`));
    assert.ok(!JSON.stringify(labels).includes(secret), 'secret in labels');
    const tmux = rt.getTmux(h);
    assert.ok(!(await tmux.run(['show-options', '-t', `=${h.sessionName}:`])).includes(secret), 'secret in tmux options');
    assert.ok(!(await tmux.run(['show-options', '-g'])).includes(secret), 'secret in tmux global options');
    assert.ok(!logLines.join('\n').includes(secret), 'secret in the log');

    // Read back from inside: who runs, init as PID 1, no privileges, cgroup limits.
    const r = await tmux.executor.exec([
      'sh', '-c',
      'id -u; id -g; cat /proc/1/comm; grep -E "^(NoNewPrivs|CapEff):" /proc/self/status | tr -s "\\t " " "; ' +
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; ' +
        'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; ' +
        'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max; ' +
        'ps -o uid= -p "$(tmux -L tmux-agents display -p "#{pid}")" | tr -d " "',
    ]);
    assert.equal(r.exitCode, 0, r.stderr);
    const [uid, gid, pid1, capEff, nnp, mem, pids, quota, tmuxUid] = r.stdout.trim().split('\n');
    assert.equal(uid, String(AGENT_UID));
    assert.equal(gid, String(AGENT_UID));
    assert.equal(pid1, 'docker-init');
    assert.equal(nnp, 'NoNewPrivs: 1');
    assert.equal(capEff, 'CapEff: 0000000000000000');
    assert.equal(mem, String(512 * MiB));
    assert.equal(pids, '1024');
    assert.equal(quota, '150000'); // 1.5 CPUs of a 100 ms period
    assert.equal(tmuxUid, String(AGENT_UID), 'tmux server runs as the agent user');
    // Files the agent writes belong to the workspace owner, not root.
    assert.equal(statSync(log).uid, AGENT_UID);
  });

  test('every tricky task arrives byte-exact and nothing in it runs', async () => {
    for (const [name, task] of Object.entries(TRICKY_TASKS)) {
      const id = `tricky-${name}`;
      const t0 = Date.now();
      const h = await rt.spawnAgent(fakeAgentConfig(id, ws, { task, env: { FAKE_AGENT_LOG: `/workspace/${id}.log` } }));
      const [got] = await waitForMessages(join(ws, `${id}.log`), 1);
      const ms = Date.now() - t0;
      assert.equal(got, task, `task "${name}" was altered`);
      const probe = await rt.getTmux(h).executor.exec(['sh', '-c', 'ls /tmp/pwned-by-task /tmp/pwned-by-backtick 2>/dev/null; true']);
      assert.equal(probe.stdout, '', `task "${name}" ran something in the container`);
      timings.push(`tricky task "${name}" (${Buffer.byteLength(task)} bytes): spawn to delivered ${ms} ms`);
      await rt.killAgent(h);
    }
    assert.ok(!existsSync('/tmp/pwned-by-task') && !existsSync('/tmp/pwned-by-backtick'), 'a task ran something on the host');
  });

  test('the attach command opens the agent pane in a real terminal, and typing there reaches the agent', async () => {
    const h = await rt.spawnAgent(fakeAgentConfig('attach-a', ws, { env: { FAKE_AGENT_LOG: '/workspace/attach.log' } }));
    const { argv } = rt.getAttachCommand(h);
    assert.deepEqual(argv, ['docker', 'exec', '-it', '-u', `${AGENT_UID}:${AGENT_UID}`, `tmux-agents-${RUNTIME}-attach-a`, 'tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-attach-a']);
    const pty = runInPty(argv);
    try {
      await waitFor('the agent prompt in the attached terminal', () => (/fake-agent>/.test(pty.capture()) ? true : undefined));
      pty.sendKeys('-l', 'typed in the terminal');
      pty.sendKeys('Enter');
      assert.deepEqual(await waitForMessages(join(ws, 'attach.log'), 1), ['typed in the terminal']);
      await waitFor('the agent reply in the attached terminal', () => (pty.capture().includes('received 21 bytes') ? true : undefined));
    } finally {
      pty.stop();
    }
    // Closing the terminal detaches; the agent keeps running.
    const listed = (await rt.listAgents()).find((a) => a.handle.agentId === 'attach-a');
    assert.equal(listed?.status, 'running');
    await rt.killAgent(h);
  });

  test('kill ends the session, stops and removes the container: nothing is left', async () => {
    const h = await rt.spawnAgent(fakeAgentConfig('kill-a', ws, { env: { FAKE_AGENT_LOG: '/workspace/kill.log' } }));
    assert.equal(containersOf(RUNTIME, ['label=tmux-agents.agent-id=kill-a']).length, 1);
    const t0 = Date.now();
    await rt.killAgent(h);
    timings.push(`kill (tmux kill-session, stop -t 2, remove -v) took ${Date.now() - t0} ms`);
    assert.deepEqual(containersOf(RUNTIME, ['label=tmux-agents.agent-id=kill-a']), []);
    assert.ok(!(await rt.listAgents()).some((a) => a.handle.agentId === 'kill-a'));
    await assert.rejects(rt.killAgent(h), (e) => isTmuxAgentsError(e, 'agent-not-found'));
  });

  test('a fresh DockerRuntime (a VS Code reload) finds the running agent and every operation works on it', async () => {
    const h = await rt.spawnAgent(fakeAgentConfig('reload-a', ws, { task: 'before reload', env: { FAKE_AGENT_LOG: '/workspace/reload.log' } }));
    await waitForMessages(join(ws, 'reload.log'), 1);
    const fresh = newRuntime(RUNTIME);
    try {
      const found = (await fresh.listAgents()).find((a) => a.handle.agentId === 'reload-a');
      assert.ok(found);
      assert.equal(found.status, 'running');
      assert.equal(found.handle.data.containerId, h.data.containerId);
      assert.equal(found.taskSummary, 'before reload');
      const tmux = fresh.getTmux(found.handle);
      assert.match(await tmux.capturePane(found.handle.sessionName), /received 13 bytes/);
      await deliverTask(tmux, found.handle.sessionName, 'after reload');
      assert.deepEqual(await waitForMessages(join(ws, 'reload.log'), 2), ['before reload', 'after reload']);
      assert.deepEqual(fresh.getAttachCommand(found.handle).argv, rt.getAttachCommand(h).argv);
      await fresh.killAgent(found.handle);
      assert.deepEqual(containersOf(RUNTIME, ['label=tmux-agents.agent-id=reload-a']), []);
    } finally {
      fresh.dispose();
    }
  });

  test('tmux commands ride one control client per container; it is replaced by processes when its session goes', async () => {
    const h = await rt.spawnAgent(fakeAgentConfig('ctl-a', ws, { task: 'over control mode', env: { FAKE_AGENT_LOG: '/workspace/ctl.log' } }));
    await waitForMessages(join(ws, 'ctl.log'), 1);
    const tmux = rt.getTmux(h);
    assert.ok(tmux.executor instanceof ControlModeExecutor);
    assert.equal(tmux.executor.attached, true, 'attached during the spawn, after the session existed');
    // One tmux client process in the container: ours, in control mode.
    const controlClients = async () => {
      const e = await docker.getContainer(containerId(h)).exec({ Cmd: ['tmux', '-L', 'tmux-agents', 'list-clients', '-F', '#{client_control_mode}'], AttachStdout: true, User: `${AGENT_UID}:${AGENT_UID}` });
      const stream = await e.start({});
      const text = await new Promise<string>((resolve) => {
        let t = '';
        stream.on('data', (d: Buffer) => (t += d.toString('utf8')));
        stream.on('end', () => resolve(t));
      });
      return (text.match(/1\n/g) ?? []).length;
    };
    assert.equal(await controlClients(), 1);
    // A reload (a fresh runtime) attaches its own client and takes it away when disposed.
    for (let i = 0; i < 2; i++) {
      const fresh = newRuntime(RUNTIME);
      await fresh.getTmux(h).capturePane(h.sessionName);
      assert.equal(await controlClients(), 2);
      fresh.dispose();
      await waitFor('the fresh runtime\'s client to go', async () => ((await controlClients()) === 1 ? true : undefined));
    }
    // Byte-exact text typed over the control line, quotes and all.
    await tmux.typeText(h.sessionName, `it's "quoted" $(not run) ; #{x}`);
    await tmux.sendKeys(h.sessionName, 'Enter');
    assert.deepEqual(await waitForMessages(join(ws, 'ctl.log'), 2), ['over control mode', `it's "quoted" $(not run) ; #{x}`]);
    // The session goes (killed behind our back): the client ends, commands fall back and say so.
    await tmux.killSession(h.sessionName);
    assert.equal(await tmux.hasSession(h.sessionName), false);
    assert.equal(tmux.executor.attached, false);
    await rt.killAgent(h);
    assert.deepEqual(containersOf(RUNTIME, ['label=tmux-agents.agent-id=ctl-a']), []);
  });

  test('a workspace path with spaces, ":" and "," is mounted as is', async () => {
    const odd = join(ws, 'my work: a,b c');
    mkdirSync(odd);
    chownSync(odd, AGENT_UID, AGENT_UID);
    const h = await rt.spawnAgent(fakeAgentConfig('odd-path', odd, { task: 'odd path ok', env: { FAKE_AGENT_LOG: '/workspace/odd.log' } }));
    assert.deepEqual(await waitForMessages(join(odd, 'odd.log'), 1), ['odd path ok']);
    const info = await docker.getContainer(containerId(h)).inspect();
    assert.equal(info.Mounts.find((m) => m.Destination === '/workspace')?.Source, odd);
    await rt.killAgent(h);
  });
});
