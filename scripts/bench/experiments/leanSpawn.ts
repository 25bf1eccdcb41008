// EXPERIMENT, not the runtime's code: the Docker spawn with the same container (the
// runtime's own buildContainerSpec) and the same launch semantics (cat placeholder, labels
// and remain-on-exit set before the CLI runs, CLI by respawn-pane, ready pattern, paste,
// wait for the paste to show, Enter), but with tmux commands chained into fewer Engine API
// execs (`;` between commands in one tmux invocation):
//   1. new-session ; set-option… ; respawn-pane            (the runtime: tmux -V + 3 execs)
//   2. display-message ; capture-pane, per readiness poll   (the runtime: 2 execs per poll)
//   3. capture-pane ; load-buffer ; paste-buffer            (the runtime: 2 execs)
//   4. capture-pane until the paste shows, then send-keys Enter (same as the runtime)
// No error handling beyond what a benchmark needs; it is the evidence for a recommendation.
import Docker from 'dockerode';
import { pollUntil } from '../../../src/core/async';
import { ProviderCatalog } from '../../../src/core/providers';
import { buildContainerSpec } from '../../../src/runtimes/docker/containerSpec';
import { removeAgentContainer } from '../../../src/runtimes/docker/containerLifecycle';
import { DockerExecExecutor } from '../../../src/runtimes/docker/dockerExecExecutor';
import { discoverDockerEndpoint } from '../../../src/runtimes/docker/dockerSocket';
import { nullLogger } from '../../../src/core/log';
import { labelOptions } from '../../../src/tmux/sessionLabels';
import { SEP, capturePaneArgs, newSessionArgs, paneTarget, pasteTextArgs, respawnPaneArgs, sendKeysArgs, setOptionsArgs } from '../../../src/tmux/tmuxCommands';
import { TmuxService } from '../../../src/tmux/tmuxService';
import { FAKE_AGENT_READY, FIXTURES_DIR, fakeAgentCommand } from '../../../test/support/fakeAgent';
import { runTag } from '../cleanup';
import { AGENT_UID, FIXTURES_IN_CONTAINER, IMAGE, SOCKET } from '../env/dockerEnv';

const RUNTIME_ID = `${runTag}-lean`;
const endpoint = discoverDockerEndpoint({ socketPath: SOCKET });
const docker = new Docker({ socketPath: SOCKET });
const providers = new ProviderCatalog({ custom: { readyPattern: FAKE_AGENT_READY } });

export interface LeanAgent {
  id: string;
}

export async function leanSpawn(agentId: string, workspace: string, task: string): Promise<LeanAgent> {
  const session = `ta-${agentId}`;
  const launch = providers.resolveLaunch({ aiProvider: 'custom', customCommand: fakeAgentCommand({ path: `${FIXTURES_IN_CONTAINER}/fake-agent.mjs` }) });
  const imageEnv = (await docker.getImage(IMAGE).inspect()).Config?.Env ?? [];
  const spec = buildContainerSpec({
    runtimeId: RUNTIME_ID, agentId, sessionName: session, provider: 'custom', createdAt: new Date(), task, launchArgv: launch.argv,
    image: IMAGE, network: 'tmux-agents', workspace, user: { uid: AGENT_UID, gid: AGENT_UID }, memory: 4 * 1024 ** 3, cpus: 2, pidsLimit: 1024,
    readOnlyRootFilesystem: false, env: { FAKE_AGENT_LOG: `/workspace/${agentId}.log` }, extraBinds: [`${FIXTURES_DIR}:${FIXTURES_IN_CONTAINER}:ro`], imageEnv,
  });
  const container = await docker.createContainer(spec);
  await container.start();
  const tmux = new TmuxService(new DockerExecExecutor(async () => docker, endpoint, { container: container.id, user: `${AGENT_UID}:${AGENT_UID}` }), { socketName: 'tmux-agents' });
  const labels = labelOptions({ agentId, runtimeId: RUNTIME_ID, provider: 'custom', createdAt: new Date(), task, cwd: workspace });
  await tmux.run([
    ...newSessionArgs({ name: session, cwd: '/workspace', width: 200, height: 50, command: ['cat'] }), SEP,
    ...setOptionsArgs(session, labels, { 'remain-on-exit': 'on' }), SEP,
    ...respawnPaneArgs(session, launch.argv, { cwd: '/workspace', env: launch.env }),
  ]);
  const ready = await pollUntil(
    async () => {
      const out = await tmux.run(['display-message', '-p', '-t', paneTarget(session), '#{pane_dead}', SEP, ...capturePaneArgs(session)]);
      if (out.startsWith('1\n')) throw new Error('the agent exited');
      return launch.readyPattern!.test(out.slice(out.indexOf('\n') + 1)) ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 20, maxIntervalMs: 200 },
  );
  if (!ready) throw new Error('never ready');
  const before = await tmux.run([...capturePaneArgs(session), SEP, ...pasteTextArgs(session, `bench-${agentId}`)], task);
  await pollUntil(async () => ((await tmux.capturePane(session)) !== before ? true : undefined), { timeoutMs: 2_000, intervalMs: 10, maxIntervalMs: 100 });
  await tmux.run(sendKeysArgs(session, ['Enter']));
  return { id: container.id };
}

export async function leanKill(a: LeanAgent): Promise<void> {
  await removeAgentContainer(docker, a.id, endpoint, nullLogger);
}
