// The packaged extension in a real VS Code (code-server) driven through headless Chromium
// like a user: the view, spawning from the command palette, attach, kill, the status bar.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FIXTURES_DIR, fakeAgentCommand, waitForMessages, FAKE_AGENT_READY } from '../support/fakeAgent';
import { startSshServer, type SshServer } from '../support/sshServer';
import { FAKE_AGENT_IN_POD, fakeAgentImage } from '../integration/k8s/k8sHarness';
import { startK8sTestServer, type K8sTestServer } from '../k8s-server/index.ts';
import { repoRoot, startCodeServer, type CodeServer } from './harness/codeServer.ts';
import { testScope } from './harness/testScope.ts';
import { openWorkbench, type Workbench } from './harness/workbench.ts';

const VSIX = join(repoRoot, 'dist', 'tmux-agents.vsix');
// Claude Code stands in as the replay agent: it shows Claude's real "working" screen, then
// its real permission prompt, so the built-in Claude screen rules decide the status.
const REPLAY_AGENT = join(repoRoot, 'test', 'fixtures', 'replay-agent.mjs');
const TASK = `e2e task: it's "quoted" $(whoami) \`id\` ünïcødé`;

function tmuxHas(socket: string, session: string): boolean {
  return spawnSync('tmux', ['-L', socket, 'has-session', '-t', `=${session}`]).status === 0;
}

async function confirmModal(w: Workbench, button: string): Promise<void> {
  const dialog = await w.waitFor(() => w.dialog(), { message: 'the confirmation dialog' });
  assert.ok(dialog.buttons.includes(button), `dialog buttons: ${dialog.buttons.join(', ')}`);
  await w.clickDialogButton(button);
  await w.waitFor(async () => ((await w.dialog()) ? undefined : true), { message: 'the dialog to close' });
}

test('Tmux Agents in a real VS Code: view, spawn, attach, kill, status bar', async (t) => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first (npm test does).`);
  // Cleanup registered as things start, run newest first even when a step fails.
  const { tmp, onCleanup } = testScope(t, 'e2e-tmux-agents-');
  const socket = `ta-e2e-${process.pid}`;
  const sshSocket = `ta-e2e-ssh-${process.pid}`;
  const agentLog = join(tmp, 'agent.log');
  onCleanup(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    spawnSync('tmux', ['-L', sshSocket, 'kill-server']);
    const left = spawnSync('docker', ['ps', '-aq', '--filter', 'label=tmux-agents.runtime-id=e2e-docker'], { encoding: 'utf8' }).stdout.trim();
    if (left) spawnSync('docker', ['rm', '-f', ...left.split('\n')]);
    spawnSync('docker', ['network', 'rm', 'tmux-agents-e2e']);
  });

  const workspaceFolder = join(tmp, 'my project');
  mkdirSync(workspaceFolder);
  const sshd: SshServer = await startSshServer();
  onCleanup(() => sshd.stop());
  const sshLabel = `ssh: ${sshd.user}@127.0.0.1`;
  const podImage = await fakeAgentImage();
  const k8s: K8sTestServer = await startK8sTestServer({ contextName: 'e2e-cluster' });
  onCleanup(() => k8s.stop());
  const server: CodeServer = await startCodeServer({
    vsixPath: VSIX,
    workspaceFolder,
    settings: {
      'tmuxAgents.local.socketName': socket,
      'tmuxAgents.defaultProvider': 'custom',
      'tmuxAgents.providers': {
        custom: { readyPattern: FAKE_AGENT_READY },
        claude: { command: ['node', REPLAY_AGENT, '+claude/working.txt@8000', 'claude/permission-prompt.txt'], readyPattern: 'esc to interrupt' },
      },
      'tmuxAgents.refreshIntervalSeconds': 1,
      'tmuxAgents.runtimes': [
        {
          type: 'ssh',
          id: 'e2e-ssh',
          host: '127.0.0.1',
          port: sshd.port,
          user: sshd.user,
          identityFile: sshd.userKeyPath,
          knownHostsPath: sshd.knownHostsPath,
          useAgent: false,
          socketName: sshSocket,
        },
        {
          type: 'docker',
          id: 'e2e-docker',
          label: 'Docker (e2e)',
          image: 'tmux-agents-base:latest',
          network: 'tmux-agents-e2e',
          extraBinds: [`${FIXTURES_DIR}:/opt/fixtures:ro`],
          credentialMounts: false,
        },
        {
          type: 'k8s',
          id: 'e2e-k8s',
          label: 'Kubernetes (e2e)',
          kubeconfigPath: k8s.kubeconfigPath,
          context: k8s.contextName,
          namespace: 'tmux-agents-e2e',
          image: podImage,
          defaultMemory: '512Mi',
          defaultCpus: '500m',
        },
      ],
    },
    env: { FAKE_AGENT_LOG: agentLog },
  });
  onCleanup(() => server.stop());
  const w: Workbench = await openWorkbench(server.url);
  onCleanup(() => w.close());
  t.diagnostic(`code-server ready in ${server.startupMs} ms, workbench in ${w.loadMs} ms`);

  await t.test('the activity-bar view shows the local runtime and the SSH host, healthy', async () => {
    await w.openViewContainer('Tmux Agents');
    const rows = await w.waitFor(async () => {
      const r = await w.treeRows('Agents');
      const healthy = (label: string) => r.find((x) => x.label === label && /^healthy/.test(x.description));
      return healthy('Local') && healthy(sshLabel) && healthy('Docker (e2e)') && healthy('Kubernetes (e2e)') ? r : undefined;
    }, { message: `healthy rows for Local, ${sshLabel}, Docker (e2e) and Kubernetes (e2e)`, timeout: 30_000 });
    assert.equal(rows[0]!.level, 1);
    assert.ok(rows.some((r) => r.label === 'No agents'), 'an empty runtime says so');
    await w.screenshot('01-view-local-runtime');
  });

  await t.test('the status bar shows the agent count, healthy', async () => {
    const item = await w.waitFor(async () => (await w.statusBarItems()).find((i) => i.id.endsWith('tmuxAgents.status')), {
      message: 'the Tmux Agents status bar item',
    });
    assert.match(item.text, /0 agents/);
    assert.doesNotMatch(item.text, /down/);
  });

  await t.test('Spawn Agent from the command palette creates an agent in the tree', async () => {
    await w.runCommand('Tmux Agents: Spawn Agent');
    await w.quickInput.pick('Local', { title: /where should it run/ });
    await w.quickInput.pick('Custom command', { title: /AI provider/ });
    await w.quickInput.type(fakeAgentCommand(), { title: /command line/ });
    await w.quickInput.type(TASK, { title: /task/ });
    await w.quickInput.pick('my project', { title: /working directory/ });
    await w.quickInput.waitOpen({ title: /agent id/ });
    await w.page.keyboard.press('Control+A');
    await w.quickInput.type('e2e-agent', { title: /agent id/ });
    await w.waitForNotification(/Agent e2e-agent is running on Local/, { timeout: 60_000 });
    await w.waitFor(async () => (await w.treeRows('Agents')).find((r) => r.label === 'e2e-agent'), { message: 'the e2e-agent row' });
    await w.screenshot('02-agent-spawned');
    assert.ok(tmuxHas(socket, 'ta-e2e-agent'), 'the tmux session exists');
    assert.deepEqual(await waitForMessages(agentLog, 1), [TASK]);
    const item = (await w.statusBarItems()).find((i) => i.id.endsWith('tmuxAgents.status'))!;
    assert.match(item.text, /1 agent/);
  });

  await t.test('Attach opens a terminal showing the agent pane, and focuses it the second time', async () => {
    await w.clickTreeRowAction('e2e-agent', 'Attach to Agent', { viewTitle: 'Agents' });
    const text = await w.waitForTerminalText(/fake-agent> /, { timeout: 30_000 });
    assert.match(text, /received \d+ bytes/);
    await w.screenshot('03-attached-terminal');
    await w.clickTreeRowAction('e2e-agent', 'Attach to Agent', { viewTitle: 'Agents' });
    const names = await w.terminalNames();
    assert.equal(names.filter((x) => x.includes('Agent: e2e-agent')).length, 1, `one terminal for the agent, saw: ${JSON.stringify(names)}`);
  });

  await t.test('an agent spawned on the SSH host appears under its node and attaches over ssh', async () => {
    await w.runCommand('Tmux Agents: Spawn Agent');
    await w.quickInput.pick(sshLabel, { title: /where should it run/ });
    await w.quickInput.pick('Custom command', { title: /AI provider/ });
    await w.quickInput.type(fakeAgentCommand(), { title: /command line/ });
    await w.quickInput.type('remote task', { title: /task/ });
    await w.quickInput.waitOpen({ title: /working directory/ });
    assert.equal(await w.quickInput.value(), workspaceFolder);
    await w.quickInput.accept();
    await w.quickInput.waitOpen({ title: /agent id/ });
    await w.page.keyboard.press('Control+A');
    await w.quickInput.type('e2e-remote', { title: /agent id/ });
    await w.waitForNotification(new RegExp(`Agent e2e-remote is running on ${sshLabel.replace(/[.@]/g, '\\$&')}`), { timeout: 60_000 });
    const rows = await w.waitFor(async () => {
      const r = await w.treeRows('Agents');
      return r.some((x) => x.label === 'e2e-remote') ? r : undefined;
    }, { message: 'the e2e-remote row' });
    const labels = rows.map((r) => r.label);
    assert.ok(labels.indexOf('e2e-remote') > labels.indexOf(sshLabel), `e2e-remote sits under the SSH node: ${labels.join(' | ')}`);
    assert.equal(rows.find((r) => r.label === 'e2e-remote')!.level, 2);
    assert.ok(spawnSync('tmux', ['-L', sshSocket, 'has-session', '-t', '=ta-e2e-remote']).status === 0, 'the session runs on the SSH side');
    await w.clickTreeRowAction('e2e-remote', 'Attach to Agent', { viewTitle: 'Agents' });
    await w.waitForTerminalText(/received 11 bytes/, { timeout: 30_000 });
    await w.screenshot('04-ssh-agent-attached');
    await w.clickTreeRowAction('e2e-remote', 'Kill Agent', { viewTitle: 'Agents' });
    await confirmModal(w, 'Kill');
    await w.waitFor(async () => ((await w.treeRows('Agents')).some((r) => r.label === 'e2e-remote') ? undefined : true), {
      message: 'the e2e-remote row to disappear',
      timeout: 20_000,
    });
  });

  await t.test('an agent spawned on Docker appears under its node and attaches inside the container', async () => {
    await w.runCommand('Tmux Agents: Spawn Agent');
    await w.quickInput.pick('Docker (e2e)', { title: /where should it run/ });
    await w.quickInput.pick('Custom command', { title: /AI provider/ });
    await w.quickInput.type(fakeAgentCommand({ path: '/opt/fixtures/fake-agent.mjs' }), { title: /command line/ });
    await w.quickInput.type('container task ✓', { title: /task/ });
    await w.quickInput.pick('my project', { title: /working directory/ });
    await w.quickInput.waitOpen({ title: /agent id/ });
    await w.page.keyboard.press('Control+A');
    await w.quickInput.type('e2e-docker-agent', { title: /agent id/ });
    await w.waitForNotification(/Agent e2e-docker-agent is running on Docker \(e2e\)/, { timeout: 90_000 });
    const rows = await w.waitFor(async () => {
      const r = await w.treeRows('Agents');
      return r.some((x) => x.label === 'e2e-docker-agent') ? r : undefined;
    }, { message: 'the e2e-docker-agent row' });
    const labels = rows.map((r) => r.label);
    assert.ok(labels.indexOf('e2e-docker-agent') > labels.indexOf('Docker (e2e)'), `the agent sits under the Docker node: ${labels.join(' | ')}`);
    const ids = spawnSync('docker', ['ps', '-q', '--filter', 'label=tmux-agents.agent-id=e2e-docker-agent'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(ids, 'a running container carries the agent label');
    await w.clickTreeRowAction('e2e-docker-agent', 'Attach to Agent', { viewTitle: 'Agents' });
    await w.waitForTerminalText(/received 18 bytes/, { timeout: 30_000 });
    await w.screenshot('05-docker-agent-attached');
    await w.clickTreeRowAction('e2e-docker-agent', 'Kill Agent', { viewTitle: 'Agents' });
    await confirmModal(w, 'Kill');
    await w.waitFor(async () => ((await w.treeRows('Agents')).some((r) => r.label === 'e2e-docker-agent') ? undefined : true), {
      message: 'the e2e-docker-agent row to disappear',
      timeout: 30_000,
    });
    const after = spawnSync('docker', ['ps', '-aq', '--filter', 'label=tmux-agents.agent-id=e2e-docker-agent'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(after, '', 'no container is left after kill');
  });

  await t.test('an agent spawned on Kubernetes appears under its node and attaches through kubectl exec', async () => {
    await w.runCommand('Tmux Agents: Spawn Agent');
    await w.quickInput.pick('Kubernetes (e2e)', { title: /where should it run/ });
    await w.quickInput.pick('Custom command', { title: /AI provider/ });
    await w.quickInput.type(fakeAgentCommand({ path: FAKE_AGENT_IN_POD }), { title: /command line/ });
    await w.quickInput.type('pod task', { title: /task/ });
    await w.quickInput.pick('my project', { title: /working directory/ });
    await w.quickInput.waitOpen({ title: /agent id/ });
    await w.page.keyboard.press('Control+A');
    await w.quickInput.type('e2e-pod-agent', { title: /agent id/ });
    await w.waitForNotification(/Agent e2e-pod-agent is running on Kubernetes \(e2e\)/, { timeout: 120_000 });
    const rows = await w.waitFor(async () => {
      const r = await w.treeRows('Agents');
      return r.some((x) => x.label === 'e2e-pod-agent') ? r : undefined;
    }, { message: 'the e2e-pod-agent row' });
    const labels = rows.map((r) => r.label);
    assert.ok(labels.indexOf('e2e-pod-agent') > labels.indexOf('Kubernetes (e2e)'), `the agent sits under the Kubernetes node: ${labels.join(' | ')}`);
    await w.clickTreeRowAction('e2e-pod-agent', 'Attach to Agent', { viewTitle: 'Agents' });
    await w.waitForTerminalText(/received 8 bytes/, { timeout: 30_000 });
    await w.screenshot('06-k8s-agent-attached');
    await w.clickTreeRowAction('e2e-pod-agent', 'Kill Agent', { viewTitle: 'Agents' });
    await confirmModal(w, 'Kill');
    await w.waitFor(async () => ((await w.treeRows('Agents')).some((r) => r.label === 'e2e-pod-agent') ? undefined : true), {
      message: 'the e2e-pod-agent row to disappear',
      timeout: 60_000,
    });
  });

  await t.test('an agent that starts waiting turns to "waiting" in the tree and a notification offers Attach', async () => {
    await w.runCommand('Tmux Agents: Spawn Agent');
    await w.quickInput.pick('Local', { title: /where should it run/ });
    await w.quickInput.pick('Claude Code', { title: /AI provider/ });
    await w.quickInput.type('', { title: /task/ });
    await w.quickInput.pick('my project', { title: /working directory/ });
    await w.quickInput.waitOpen({ title: /agent id/ });
    await w.page.keyboard.press('Control+A');
    await w.quickInput.type('e2e-waiter', { title: /agent id/ });
    await w.waitFor(async () => (await w.treeRows('Agents')).find((r) => r.label === 'e2e-waiter' && /^working/.test(r.description)), {
      message: 'e2e-waiter shown as working',
      timeout: 30_000,
    });
    // Every agent left is local, so nothing is polled now: the change to waiting must come
    // from tmux itself, through the extension's control-mode client on the agents' server.
    const controlClients = spawnSync('tmux', ['-L', socket, 'list-clients', '-F', '#{client_control_mode}'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l === '1');
    assert.equal(controlClients.length, 1, 'one control-mode client (the extension\'s watcher) on the local tmux server');
    await w.waitForNotification(/Agent e2e-waiter is waiting for you \(screen: permission prompt\)/, { timeout: 30_000 });
    // The notification and the tree render from the same refresh; the DOM may lag a frame.
    await w.waitFor(async () => (await w.treeRows('Agents')).find((r) => r.label === 'e2e-waiter' && /^waiting for input · claude/.test(r.description)), {
      message: 'e2e-waiter shown as waiting for input',
    });
    await w.waitFor(async () => (await w.statusBarItems()).find((i) => i.id.endsWith('tmuxAgents.status') && /1 needs you/.test(i.text)), {
      message: 'the status bar counting one agent that needs you',
    });
    await w.screenshot('07-agent-waiting-notification');
    await w.clickNotificationButton('Attach', { message: 'e2e-waiter is waiting for you' });
    await w.waitForTerminalText(/Do you want to proceed\?/, { timeout: 20_000 });
    await w.clickTreeRowAction('e2e-waiter', 'Kill Agent', { viewTitle: 'Agents' });
    await confirmModal(w, 'Kill');
    await w.waitFor(async () => ((await w.treeRows('Agents')).some((r) => r.label === 'e2e-waiter') ? undefined : true), {
      message: 'the e2e-waiter row to disappear',
    });
  });

  await t.test('Kill asks for confirmation and removes the agent and its session', async () => {
    await w.clickTreeRowAction('e2e-agent', 'Kill Agent', { viewTitle: 'Agents' });
    await w.screenshot('08-kill-confirmation');
    await confirmModal(w, 'Kill');
    await w.waitFor(async () => ((await w.treeRows('Agents')).some((r) => r.label === 'e2e-agent') ? undefined : true), {
      message: 'the e2e-agent row to disappear',
      timeout: 20_000,
    });
    assert.equal(tmuxHas(socket, 'ta-e2e-agent'), false, 'the tmux session is gone');
    await w.screenshot('09-agent-killed');
  });

  await t.test('the status bar is healthy after it all', async () => {
    const item = await w.waitFor(async () => (await w.statusBarItems()).find((i) => i.id.endsWith('tmuxAgents.status') && /0 agents/.test(i.text)), {
      message: 'status bar back to 0 agents',
    });
    assert.doesNotMatch(item.text, /down/);
  });
});
