// The naive way, as the runtime system description does it with plain CLIs: `docker run`
// for the container, then one `docker exec <id> tmux …` process per tmux command, and
// `docker ps --filter label=…` for listing. The container gets the same image, user, mounts,
// network and limits as ours, and readiness is polled with the same schedule, so the
// difference is the CLI processes (and our flow), not the configuration.
import { join } from 'node:path';
import { pollUntil } from '../../../src/core/async';
import { FIXTURES_DIR } from '../../../test/support/fakeAgent';
import { BASELINE_LABEL, runTag } from '../cleanup';
import { runCli } from '../env/cli';
import { AGENT_UID, FIXTURES_IN_CONTAINER, IMAGE } from '../env/dockerEnv';

const SOCKET = 'tmux-agents';
const USER = `${AGENT_UID}:${AGENT_UID}`;
const PROMPT = 'fake-agent> ';

export interface CliAgent {
  id: string;
  session: string;
}

export class DockerCliBaseline {
  constructor(private readonly workspace: string) {}

  private tmux(id: string, ...args: string[]): Promise<{ stdout: string }> {
    return runCli('docker', ['exec', '-u', USER, id, 'tmux', '-u', '-L', SOCKET, ...args]);
  }

  /** docker run; new-session; send-keys the CLI command; poll capture-pane for the prompt; type the task; Enter. */
  async spawn(name: string, task: string): Promise<CliAgent> {
    const { stdout } = await runCli('docker', [
      'run', '-d', '--init',
      '--name', `${runTag}-cli-${name}`,
      '--label', `${BASELINE_LABEL}=${runTag}`,
      '-u', USER, '-e', 'HOME=/home/agent', '-e', `FAKE_AGENT_LOG=/workspace/${name}.log`,
      '-w', '/workspace',
      '--mount', `type=bind,source=${this.workspace},target=/workspace`,
      '-v', `${FIXTURES_DIR}:${FIXTURES_IN_CONTAINER}:ro`,
      '--network', 'tmux-agents',
      '--memory', '4g', '--cpus', '2', '--pids-limit', '1024', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true',
      '--entrypoint', 'sleep', IMAGE, 'infinity',
    ]);
    const id = stdout.trim();
    const session = `ta-${name}`;
    await this.tmux(id, 'new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', '/workspace');
    await this.tmux(id, 'send-keys', '-t', `=${session}:`, `node ${FIXTURES_IN_CONTAINER}/fake-agent.mjs`, 'Enter');
    const ready = await pollUntil(
      async () => ((await this.tmux(id, 'capture-pane', '-p', '-J', '-t', `=${session}:`)).stdout.includes(PROMPT) ? true : undefined),
      { timeoutMs: 20_000, intervalMs: 20, maxIntervalMs: 200 },
    );
    if (!ready) throw new Error(`baseline agent ${name} never showed its prompt`);
    await this.tmux(id, 'send-keys', '-t', `=${session}:`, '-l', task);
    await this.tmux(id, 'send-keys', '-t', `=${session}:`, 'Enter');
    return { id, session };
  }

  /** kill-session, docker stop (same 2 s grace as ours), docker rm -v. */
  async kill(a: CliAgent): Promise<void> {
    await this.tmux(a.id, 'kill-session', '-t', `=${a.session}`).catch(() => undefined);
    await runCli('docker', ['stop', '-t', '2', a.id]);
    await runCli('docker', ['rm', '-v', a.id]);
  }

  /** `docker ps --filter label=…`: the containers, without asking tmux in any of them. */
  async list(labelFilter: string): Promise<string[]> {
    const { stdout } = await runCli('docker', ['ps', '-a', '--no-trunc', '--filter', `label=${labelFilter}`, '--format', '{{.ID}}\t{{.State}}\t{{.Labels}}']);
    return stdout.split('\n').filter(Boolean);
  }

  /** What our listing does, the CLI way: docker ps, then `docker exec … tmux list-sessions` in each running container, in parallel. */
  async listWithTmux(labelFilter: string): Promise<number> {
    const rows = await this.list(labelFilter);
    const running = rows.map((r) => r.split('\t')).filter((f) => f[1] === 'running');
    await Promise.all(running.map((f) => this.tmux(f[0]!, 'list-sessions', '-F', '#{session_name}\t#{pane_dead}').catch(() => undefined)));
    return rows.length;
  }

  logPath(name: string): string {
    return join(this.workspace, `${name}.log`);
  }
}
