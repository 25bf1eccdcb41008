// The Kubernetes runtime against the test API server (real protocol, pods as real Docker
// containers): spawn, the pod as specified, list by labels, secrets, byte-exact text,
// tmux over exec, watch, reconciliation, attach with the real kubectl in a pty, kill.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isTmuxAgentsError } from '../../../src/core/errors';
import type { AgentHandle } from '../../../src/core/types';
import type { K8sRuntime } from '../../../src/runtimes/k8s/k8sRuntime';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { KUBECTL, kubectl, kubectlOk, leftovers } from '../k8s-server/helpers.ts';
import { TRICKY_TASKS } from '../../support/fakeAgent';
import { agentInfo, agentLog, docker, eventually, fakeAgentConfig, fakeAgentImage, k8sRuntime, podContainers, timed, waitForPodMessages } from './k8sHarness';

const NS = 'tmux-agents';
let server: K8sTestServer;
let image: string;
let rt: K8sRuntime;
let kc: string;

before(async () => {
  image = await fakeAgentImage();
  server = await startK8sTestServer();
  kc = server.kubeconfigPath;
  rt = k8sRuntime(server, image);
});

after(async () => {
  rt?.dispose();
  if (!server) return;
  await server.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

/** The fields of the pod (as kubectl shows it) these tests read. */
interface PodView {
  metadata: { labels: Record<string, string> };
  spec: { restartPolicy: string; containers: { resources: unknown }[]; securityContext: { runAsNonRoot?: boolean } };
  status: { phase: string };
}

async function podJson(name: string): Promise<PodView> {
  return JSON.parse(await kubectlOk(kc, ['get', 'pod', '-n', NS, name, '-o', 'json'])) as PodView;
}

describe('K8sRuntime lifecycle', () => {
  let handle: AgentHandle;
  const SECRET = `sk-test-${process.pid}-S3cr3t'"$(x)`;

  test('spawn: the pod as specified, running as the agent user, the task delivered', async (t) => {
    const [h, ms] = await timed(() =>
      rt.spawnAgent(fakeAgentConfig('life-1', { task: 'hello agent', env: { FAKE_AGENT_ECHO_ENV: 'MY_SECRET' }, secretEnv: { MY_SECRET: SECRET } })),
    );
    t.diagnostic(`spawn (pod create -> Running -> tmux -> CLI ready -> task): ${ms} ms`);
    handle = h;
    assert.deepEqual(handle, {
      runtimeType: 'k8s',
      runtimeId: 'k8s-test',
      agentId: 'life-1',
      sessionName: 'ta-life-1',
      data: { namespace: NS, pod: 'tmux-agents-k8s-test-life-1', container: 'agent', context: 'tmux-agents-test' },
    });
    assert.deepEqual(await waitForPodMessages(rt, handle, 1), ['hello agent']);

    const pod = await podJson('tmux-agents-k8s-test-life-1');
    assert.equal(pod.status.phase, 'Running');
    assert.equal(pod.metadata.labels['tmux-agents'], 'true');
    assert.equal(pod.metadata.labels['tmux-agents.runtime-id'], 'k8s-test');
    assert.equal(pod.metadata.labels['tmux-agents.agent-id'], 'life-1');
    assert.equal(pod.metadata.labels['tmux-agents.ai-provider'], 'custom');
    assert.equal(pod.spec.restartPolicy, 'Never');
    assert.deepEqual(pod.spec.containers[0]!.resources, { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);

    // What the "node" ran: the Docker container behind the pod.
    const [containerName] = await podContainers(server, 'tmux-agents-k8s-test-life-1');
    const info = await docker.getContainer(containerName!).inspect();
    assert.equal(info.Config.User, '1000:1000');
    assert.equal(info.HostConfig.Memory, 512 * 1024 ** 2);
    assert.equal(info.HostConfig.NanoCpus, 0.5e9);
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
    assert.deepEqual(info.HostConfig.SecurityOpt, ['no-new-privileges']);
    const who = await rt.getTmux(handle).executor.exec(['id', '-u'], { timeoutMs: 10_000 });
    assert.equal(who.stdout.trim(), '1000');

    // The API key reached the CLI's environment byte-exact, and nothing else.
    const started = (await agentLog(rt, handle)).find((e) => e.event === 'started');
    assert.equal(started?.env, SECRET);
    assert.equal(started?.cwd, '/workspace');
    assert.equal(JSON.stringify(pod).includes(SECRET), false, 'not in the pod spec');
    assert.equal((await rt.getTmux(handle).executor.exec(['test', '-e', '/run/tmux-agents/secret-env'])).exitCode, 1, 'the hand-over file is gone');
    const serverEnv = await rt.getTmux(handle).run(['show-environment', '-g']);
    assert.equal(serverEnv.includes(SECRET), false, 'not in the tmux server environment');
    const urls = server.requests().map((r) => decodeURIComponent(`${r.path}${r.query}`));
    assert.equal(urls.some((u) => u.includes('sk-test-')), false, 'not in any request URL (exec commands are in URLs)');
  });

  test('list: one label-selected query; kubectl selects the same pod by the same labels', async () => {
    const before = server.requests().length;
    const agents = await rt.listAgents();
    const lists = server.requests().slice(before).filter((r) => r.method === 'GET' && r.path === `/api/v1/namespaces/${NS}/pods`);
    assert.equal(lists.length, 1);
    assert.equal(new URLSearchParams(lists[0]!.query).get('labelSelector'), 'tmux-agents=true,tmux-agents.runtime-id=k8s-test');
    const info = agents.find((a) => a.handle.agentId === 'life-1');
    assert.ok(info);
    assert.deepEqual(info.handle, handle);
    assert.equal(info.status, 'running');
    assert.equal(info.statusReason, 'the tmux pane is alive');
    assert.equal(info.provider, 'custom');
    assert.equal(info.taskSummary, 'hello agent');
    assert.ok(info.createdAt && Date.now() - info.createdAt.getTime() < 120_000);
    const names = await kubectlOk(kc, ['get', 'pods', '-n', NS, '-l', 'tmux-agents=true,tmux-agents.runtime-id=k8s-test', '-o', 'name']);
    assert.equal(names.trim(), 'pod/tmux-agents-k8s-test-life-1');
  });

  test('every tricky text arrives byte-exact, and nothing in it runs', async () => {
    const tmux = rt.getTmux(handle);
    const texts = Object.values(TRICKY_TASKS);
    for (const [i, text] of texts.entries()) {
      await tmux.pasteText(handle.sessionName, text);
      await tmux.sendKeys(handle.sessionName, 'Enter');
      await waitForPodMessages(rt, handle, i + 2);
    }
    const got = (await waitForPodMessages(rt, handle, texts.length + 1)).slice(1);
    for (const [i, [name, text]] of Object.entries(TRICKY_TASKS).entries()) assert.equal(got[i], text, name);
    for (const f of ['/tmp/pwned-by-task', '/tmp/pwned-by-backtick']) {
      assert.equal((await tmux.executor.exec(['test', '-e', f])).exitCode, 1, `${f} in the pod`);
    }
  });

  test('tmux over exec: capture, keys, and what one operation costs', async (t) => {
    const tmux = rt.getTmux(handle);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await timed(() => tmux.capturePane(handle.sessionName)))[1]);
    times.sort((a, b) => a - b);
    t.diagnostic(`one tmux op over exec (capture-pane), median of 5: ${times[2]} ms (min ${times[0]}, max ${times[4]})`);
    const screen = await tmux.capturePane(handle.sessionName);
    assert.match(screen, /^Fake agent 1\.0 \(test double\)$/m);
    await tmux.typeText(handle.sessionName, 'typed;');
    await tmux.sendKeys(handle.sessionName, 'Enter');
    const msgs = await waitForPodMessages(rt, handle, Object.keys(TRICKY_TASKS).length + 2);
    assert.equal(msgs.at(-1), 'typed;');
  });

  test('watch: changes made outside VS Code fire onDidChangeAgents; disposing stops it', async () => {
    let fired = 0;
    const sub = rt.onDidChangeAgents!(() => fired++);
    try {
      // The watch lists first and reports changes only: give it a moment to be in place, by its own request.
      await eventually('the watch to be open', async () =>
        server.requests().some((r) => r.path === `/api/v1/namespaces/${NS}/pods` && /watch=true/.test(r.query)) ? true : undefined,
      );
      const other = k8sRuntime(server, image); // a second VS Code window, say
      const h2 = await other.spawnAgent(fakeAgentConfig('watched-1'));
      await eventually('a hint for the new pod', async () => (fired > 0 ? true : undefined));
      const afterSpawn = fired;
      await kubectlOk(kc, ['delete', 'pod', '-n', NS, h2.data.pod!, '--wait=false']);
      await eventually('a hint for the deleted pod', async () => (fired > afterSpawn ? true : undefined));
      await eventually('the deleted agent to leave the list', async () => ((await agentInfo(rt, 'watched-1')) ? undefined : true), 30_000);
      other.dispose();
    } finally {
      sub.dispose();
    }
    const stopped = fired;
    const h3 = await k8sRuntime(server, image).spawnAgent(fakeAgentConfig('watched-2'));
    assert.ok(await agentInfo(rt, 'watched-2'));
    assert.equal(fired, stopped, 'no hints after the last listener left');
    await rt.killAgent(h3);
  });

  test('reconciliation: a fresh K8sRuntime (a VS Code reload) finds the agent and every operation works', async () => {
    const fresh = k8sRuntime(server, image);
    try {
      const found = (await fresh.listAgents()).find((a) => a.handle.agentId === 'life-1');
      assert.ok(found);
      assert.deepEqual(found.handle, handle);
      assert.equal(found.status, 'running');
      const tmux = fresh.getTmux(found.handle);
      assert.match(await tmux.capturePane(found.handle.sessionName), /fake-agent> /);
      const count = (await waitForPodMessages(fresh, found.handle, 1)).length;
      await tmux.pasteText(found.handle.sessionName, 'after reload');
      await tmux.sendKeys(found.handle.sessionName, 'Enter');
      assert.equal((await waitForPodMessages(fresh, found.handle, count + 1)).at(-1), 'after reload');
      assert.deepEqual(fresh.getAttachCommand(found.handle), rt.getAttachCommand(handle));
    } finally {
      fresh.dispose();
    }
  });

  test('attach: the argv, run by the real kubectl in a real pty, shows the pane and types into it', async () => {
    const argv = rt.getAttachCommand(handle).argv;
    assert.deepEqual(argv, [
      'kubectl', '--context', 'tmux-agents-test', '--kubeconfig', kc, '-n', NS, 'exec', '-it', 'tmux-agents-k8s-test-life-1', '-c', 'agent', '--',
      'tmux', '-L', 'tmux-agents', 'attach-session', '-t', '=ta-life-1',
    ]);
    const socket = `ta-it-k8s-attach-${process.pid}`;
    const outer = (...args: string[]) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const r = outer('new-session', '-d', '-x', '120', '-y', '40', '--', KUBECTL, ...argv.slice(1));
    assert.equal(r.status, 0, r.stderr);
    try {
      const screen = await eventually('the agent pane through kubectl', async () => {
        const s = outer('capture-pane', '-p').stdout;
        return /fake-agent> /.test(s) && /\[ta-life-1\]/.test(s) ? s : undefined;
      });
      assert.match(screen, /received \d+ bytes/);
      const count = (await waitForPodMessages(rt, handle, 1)).length;
      outer('send-keys', '-l', 'typed in the terminal');
      outer('send-keys', 'Enter');
      assert.equal((await waitForPodMessages(rt, handle, count + 1)).at(-1), 'typed in the terminal');
      // Detach: tmux attach ends, kubectl exits, the outer session closes.
      outer('send-keys', 'C-b', 'd');
      await eventually('kubectl to exit after detach', async () => (outer('has-session').status !== 0 ? true : undefined));
    } finally {
      outer('kill-server');
    }
    assert.equal((await rt.listAgents()).find((a) => a.handle.agentId === 'life-1')?.status, 'running', 'detaching leaves the agent running');
  });

  test('an agent whose CLI exits shows as exited; kill removes pod and container; a second kill says it is gone', async (t) => {
    const h = await rt.spawnAgent(fakeAgentConfig('exits-1', { args: ['--exit-after', '1500'] }));
    // tmux marks the pane dead a moment before it records the exit status: wait for both.
    const info = await eventually('the exited status', async () => {
      const i = await agentInfo(rt, 'exits-1');
      return i?.status === 'exited' && !i.statusReason?.endsWith('?') ? i : undefined;
    });
    assert.equal(info.statusReason, 'the agent process exited with status 3');

    for (const victim of [h, handle]) {
      const [, ms] = await timed(() => rt.killAgent(victim));
      t.diagnostic(`kill ${victim.agentId} (tmux kill-session, delete pod, wait until gone): ${ms} ms`);
      const gone = await kubectl(kc, ['get', 'pod', '-n', NS, victim.data.pod!]);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound|not found/);
      assert.deepEqual(await podContainers(server, victim.data.pod), [], 'no container left behind');
    }
    await assert.rejects(rt.killAgent(handle), (e: unknown) => isTmuxAgentsError(e, 'agent-not-found') && /pod tmux-agents-k8s-test-life-1 is gone/.test((e as Error).message));
    assert.deepEqual(await rt.listAgents(), []);
    assert.deepEqual(await podContainers(server), []);
  });
});
