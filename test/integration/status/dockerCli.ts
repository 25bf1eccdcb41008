// A container driven with the plain `docker` CLI, for the status tests that need a session
// the Docker runtime's spawn flow would not keep (a CLI that exits before it is ready) or a
// home folder prepared first. The runtime itself is used where it fits (dockerRealClis.test.ts).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { TmuxAgentsError } from '../../../src/core/errors';
import { TmuxHostRuntime } from '../../../src/runtimes/tmuxHost/tmuxHostRuntime';
import type { CommandExecutor, ExecOptions, ExecResult } from '../../../src/tmux/executor';

export const IMAGE = 'tmux-agents-base:latest';
/** Put on every container these tests start, so after() can find leftovers. */
export const TEST_LABEL = 'tmux-agents.test=status';

/** Fails (never skips) when dockerd or the agent image is missing, saying how to get them. */
export function requireDockerAndImage(): void {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.status !== 0) {
    assert.fail(`Docker daemon not reachable (${(info.stderr || info.error?.message || '').trim()}): run \`bash scripts/setup/test-env.sh\` first.`);
  }
  const img = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', IMAGE], { encoding: 'utf8' });
  if (img.status !== 0) assert.fail(`Image ${IMAGE} is missing: run \`bash scripts/setup/test-env.sh\` (or \`cd docker && ./build.sh\`).`);
}

export function startContainer(opts: { binds?: string[]; name?: string } = {}): string {
  return execFileSync(
    'docker',
    ['run', '-d', '--rm', '--init', '--label', TEST_LABEL, ...(opts.name ? ['--name', opts.name] : []), ...(opts.binds ?? []).flatMap((b) => ['-v', b]), IMAGE, 'sleep', 'infinity'],
    { encoding: 'utf8' },
  ).trim();
}

export function removeContainer(id: string): void {
  spawnSync('docker', ['rm', '-f', id], { stdio: 'ignore' });
}

/** Containers of these tests still present (by label). */
export function leftoverContainers(): string[] {
  return execFileSync('docker', ['ps', '-aq', '--filter', `label=${TEST_LABEL}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

/** Runs an argv in the container as its default user (the image's `agent`), like `docker exec -i`. */
export class DockerCliExecutor implements CommandExecutor {
  readonly where: string;

  constructor(readonly container: string) {
    this.where = `container ${container.slice(0, 12)}`;
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn('docker', ['exec', '-i', this.container, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      if (opts.timeoutMs) {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new TmuxAgentsError('timeout', `"${argv.join(' ').slice(0, 80)}" in ${this.where} did not finish within ${opts.timeoutMs} ms.`));
        }, opts.timeoutMs);
      }
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code ?? 1 });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.input ?? undefined);
    });
  }
}

/** The tmux-host runtime (labels, listing) over `docker exec`: agents in one container. */
export class ContainerCliRuntime extends TmuxHostRuntime {
  readonly type = 'docker-cli-test';

  constructor(id: string, readonly executor: DockerCliExecutor) {
    super({ id, label: `test container ${executor.container.slice(0, 12)}`, executor, socketName: 'tmux-agents', commandTimeoutMs: 10_000 });
  }

  protected wrapAttach(tmuxAttachArgv: string[]): string[] {
    return ['docker', 'exec', '-it', this.executor.container, ...tmuxAttachArgv];
  }
}
