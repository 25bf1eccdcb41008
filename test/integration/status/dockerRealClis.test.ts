// Status detection of agents in Docker containers of the agent image, with the real CLIs
// where they can run without network: Gemini CLI stops at its trust dialog (waiting),
// Claude Code cannot reach its API and exits (exited), Codex starts with our notify hook
// and waits at its sign-in screen, and Claude Code runs our hooks for real against a
// local stand-in for its API. The replay agent drives transitions in a container too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderCatalog } from '../../../src/core/providers';
import { DOCKER_LABELS, DockerRuntime } from '../../../src/runtimes/docker';
import { withAgentHooks } from '../../../src/status/agentHooks';
import { ContainerCliRuntime, DockerCliExecutor, IMAGE, leftoverContainers, removeContainer, requireDockerAndImage, startContainer } from './dockerCli';
import { FIXTURES, StatusWatcher, eventually, replayAsClaude, startLabelledSession } from './statusHarness';

const FIXTURES_IN_CONTAINER = '/opt/fixtures';
const AGENT_UID = 1000; // the image's `agent` user
const RUNTIME_ID = `status-it-${process.pid}`;

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ta-it-status-docker-'));
  chownSync(dir, AGENT_UID, AGENT_UID);
  return dir;
}

function dockerRuntime(providers: ProviderCatalog): DockerRuntime {
  return new DockerRuntime({
    id: RUNTIME_ID,
    socketPath: '/var/run/docker.sock',
    image: IMAGE,
    // Never this machine's credentials in a test container: the CLIs must start from scratch.
    credentialMounts: false,
    extraBinds: [`${FIXTURES}:${FIXTURES_IN_CONTAINER}:ro`],
    providers,
    readyTimeoutMs: 60_000,
  });
}

function runtimeContainers(): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=${DOCKER_LABELS.runtimeId}=${RUNTIME_ID}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('status of agents in Docker containers, real CLIs', () => {
  const dirs: string[] = [];
  before(() => requireDockerAndImage());
  after(() => {
    for (const id of [...runtimeContainers(), ...leftoverContainers()]) removeContainer(id);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    assert.deepEqual([...runtimeContainers(), ...leftoverContainers()], [], 'containers left behind');
  });

  test('Gemini CLI in a Docker runtime container stops at its trust dialog: waiting', async () => {
    const ws = workspace();
    dirs.push(ws);
    // The spawn flow waits for Gemini's ready pattern; a fresh Gemini shows its trust dialog
    // first, so that dialog counts as "ready" here (it is what the user will answer).
    const rt = dockerRuntime(new ProviderCatalog({ gemini: { readyPattern: 'Do you trust the files in this folder\\?|Type your message' } }));
    const w = new StatusWatcher([rt]);
    try {
      const h = await rt.spawnAgent({ agentId: 'gemini-trust', aiProvider: 'gemini', workingDirectory: ws });
      const a = await w.waitFor('gemini-trust', 'waiting', { reason: /^screen: trust dialog$/, timeoutMs: 30_000 });
      assert.equal(a.provider, 'gemini');
      const screen = await rt.getTmux(h).capturePane(h.sessionName);
      assert.match(screen, /Do you trust the files in this folder\?/);
      assert.match(screen, /1\. Trust folder/);
      await rt.killAgent(h);
    } finally {
      w.dispose();
    }
  });

  describe('in a container started with the docker CLI', () => {
    let container = '';
    let rt: ContainerCliRuntime;
    before(() => {
      container = startContainer();
      rt = new ContainerCliRuntime('cli', new DockerCliExecutor(container));
    });
    after(() => removeContainer(container));

    test('Claude Code without network prints its banner, cannot connect and exits: exited', async () => {
      const w = new StatusWatcher([rt]);
      try {
        await startLabelledSession(rt.getTmux({ runtimeType: rt.type, runtimeId: 'cli', agentId: 'x', sessionName: 'x', data: {} }), {
          session: 'ta-claude-exit',
          agentId: 'claude-exit',
          runtimeId: 'cli',
          provider: 'claude',
          argv: ['claude'],
          cwd: '/workspace',
        });
        // tmux 3.3a may mark the pane dead before it has reaped the process; either way it is exited.
        const a = await w.waitFor('claude-exit', 'exited', { timeoutMs: 60_000 });
        assert.match(a.statusReason!, /exited (with status 1|with status \?|\(tmux has not reported its exit status\))$/);
        // With scrollback: tmux's "Pane is dead" line can push the banner off the top.
        const screen = await rt.getTmux(a.handle).capturePane('ta-claude-exit', { lines: 200 });
        assert.match(screen, /Welcome to Claude Code/);
        assert.match(screen, /Unable to connect to Anthropic services/);
        // It was seen alive first (starting), then exited: one transition, into exited.
        assert.deepEqual(w.transitionsOf('claude-exit').map((t) => t.split('->')[1]), ['exited']);
      } finally {
        w.dispose();
      }
    });

    test('Codex accepts our notify hook (-c notify=[...]) and waits at its sign-in screen', async () => {
      const w = new StatusWatcher([rt]);
      try {
        const launch = withAgentHooks('codex', { argv: ['codex'], env: {} });
        assert.equal(launch.argv[1], '-c');
        await startLabelledSession(rt.getTmux({ runtimeType: rt.type, runtimeId: 'cli', agentId: 'x', sessionName: 'x', data: {} }), {
          session: 'ta-codex-hooked',
          agentId: 'codex-hooked',
          runtimeId: 'cli',
          provider: 'codex',
          argv: launch.argv,
          cwd: '/workspace',
        });
        // A config it could not parse would end codex at once ("failed to load bootstrap configuration").
        await w.waitFor('codex-hooked', 'waiting', { reason: /^screen: sign-in$/, timeoutMs: 30_000 });
      } finally {
        w.dispose();
      }
    });
  });

  test("Claude Code runs our hooks for real: working, waiting at a permission prompt, idle after the turn", async () => {
    const container = startContainer({ binds: [`${FIXTURES}:${FIXTURES_IN_CONTAINER}:ro`] });
    const ex = new DockerCliExecutor(container);
    const rt = new ContainerCliRuntime('cli-hooks', ex);
    const w = new StatusWatcher([rt]);
    try {
      // A stand-in for the Messages API inside the container; the CLI is real.
      await ex.exec(['sh', '-c', `STUB_DELAY_MS=2500 STUB_READY=/tmp/stub.ready nohup node ${FIXTURES_IN_CONTAINER}/anthropic-stub.mjs >/tmp/stub.log 2>&1 &`]);
      await eventually('the API stand-in', async () => ((await ex.exec(['test', '-f', '/tmp/stub.ready'])).exitCode === 0 ? true : undefined));
      // What onboarding, the folder trust dialog and the API key question would otherwise ask first.
      const key = 'sk-ant-test-0001';
      const state = { hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: [key], rejected: [] }, projects: { '/workspace': { hasTrustDialogAccepted: true } } };
      assert.equal((await ex.exec(['sh', '-c', 'cat > /home/agent/.claude.json'], { input: JSON.stringify(state) })).exitCode, 0);

      const launch = withAgentHooks('claude', { argv: ['claude', '--permission-mode', 'default'], env: { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: 'http://127.0.0.1:8787' } });
      assert.equal(launch.argv[3], '--settings');
      const tmux = rt.getTmux({ runtimeType: rt.type, runtimeId: 'cli-hooks', agentId: 'x', sessionName: 'x', data: {} });
      await startLabelledSession(tmux, { session: 'ta-claude-hooks', agentId: 'claude-hooks', runtimeId: 'cli-hooks', provider: 'claude', argv: launch.argv, cwd: '/workspace', env: launch.env });

      // Claude takes a while to draw (it waits for remote settings it cannot fetch).
      await w.waitFor('claude-hooks', 'idle', { reason: /^screen: input prompt$/, timeoutMs: 60_000 });
      await tmux.typeText('ta-claude-hooks', 'mark the workspace');
      await tmux.sendKeys('ta-claude-hooks', 'Enter');
      await w.waitFor('claude-hooks', 'working', { reason: /^Claude Code UserPromptSubmit hook \d+s ago$/, timeoutMs: 20_000 });
      await w.waitFor('claude-hooks', 'waiting', { reason: /^Claude Code (PermissionRequest|Notification) hook \d+s ago$/, timeoutMs: 20_000 });
      assert.match(await tmux.capturePane('ta-claude-hooks'), /Do you want to proceed\?/);
      // "1. Yes" is selected: approve. The tool runs, the stand-in answers, the turn ends.
      await tmux.sendKeys('ta-claude-hooks', 'Enter');
      await w.waitFor('claude-hooks', 'idle', { reason: /^Claude Code Stop hook \d+s ago$/, timeoutMs: 30_000 });
      assert.equal((await ex.exec(['test', '-f', '/workspace/stub-tool-ran'])).exitCode, 0, 'the approved tool ran');

      // Before its first draw Claude is "starting"; after that every change came from a hook.
      const t = w.transitionsOf('claude-hooks').filter((x) => !x.startsWith('starting->'));
      assert.deepEqual(t.slice(0, 2), ['idle->working', 'working->waiting']);
      assert.equal(t.at(-1)!.split('->')[1], 'idle');
    } finally {
      w.dispose();
      removeContainer(container);
    }
  });

  test('the replay agent in a Docker runtime container: starting -> working -> waiting -> idle -> exited', async () => {
    const ws = workspace();
    dirs.push(ws);
    const rt = dockerRuntime(
      replayAsClaude(['claude/starting-banner.txt', '+claude/working.txt', 'claude/question.txt', 'claude/finished.txt', 'exit:3'], {
        node: 'node',
        script: `${FIXTURES_IN_CONTAINER}/replay-agent.mjs`,
      }),
    );
    const w = new StatusWatcher([rt]);
    try {
      const h = await rt.spawnAgent({ agentId: 'replay-docker', aiProvider: 'claude', workingDirectory: ws });
      const tmux = rt.getTmux(h);
      const next = () => tmux.sendKeys(h.sessionName, 'Enter');
      await w.waitFor('replay-docker', 'starting');
      await next();
      await w.waitFor('replay-docker', 'working', { reason: /^screen: esc to interrupt$/ });
      await next();
      await w.waitFor('replay-docker', 'waiting', { reason: /^screen: question$/ });
      await next();
      await w.waitFor('replay-docker', 'idle', { reason: /^screen: input prompt$/ });
      await next();
      // In these containers tmux 3.3a often marks the pane dead before it has the exit status.
      await w.waitFor('replay-docker', 'exited', { reason: /exited (with status 3|with status \?|\(tmux has not reported its exit status\))$/ });
      assert.deepEqual(w.transitionsOf('replay-docker'), ['starting->working', 'working->waiting', 'waiting->idle', 'idle->exited']);
      await rt.killAgent(h);
    } finally {
      w.dispose();
    }
  });
});
