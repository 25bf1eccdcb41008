// The server's own lifecycle: the CLI cleans up on SIGTERM, and a server killed outright
// leaves containers that the leftover sweeper removes, while a live server's are spared.
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { startK8sTestServer, sweepLeftovers } from '../../k8s-server/index.ts';
import { docker, kubectlOk, leftovers, tmuxPod, waitFor } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const T = { timeout: 90_000 };

interface Cli {
  child: ChildProcessWithoutNullStreams;
  kubeconfig: string;
  instance: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `main.ts` and waits for it to print where it listens. */
async function startCli(): Promise<Cli> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/k8s-server/main.ts'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const info = await waitFor('the CLI to print its kubeconfig', () => {
    if (child.exitCode !== null) throw new Error(`main.ts exited ${child.exitCode}: ${err}`);
    const kubeconfig = /^kubeconfig: (.+)$/m.exec(out)?.[1];
    const instance = /^instance: (.+)$/m.exec(out)?.[1];
    return kubeconfig && instance ? { kubeconfig, instance } : undefined;
  });
  return { child, ...info, exited };
}

async function runPod(kubeconfig: string, name: string): Promise<void> {
  await kubectlOk(kubeconfig, ['create', '--validate=false', '-f', '-'], JSON.stringify(tmuxPod(name)));
  await waitFor(`${name} Running`, async () =>
    (await kubectlOk(kubeconfig, ['get', 'pod', name, '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined,
  );
}

test('main.ts serves until SIGTERM, then removes what it created and exits 0', T, async () => {
  const cli = await startCli();
  try {
    assert.match(await kubectlOk(cli.kubeconfig, ['get', 'ns', 'default', '-o', 'name']), /^namespace\/default$/m);
    await runPod(cli.kubeconfig, 'cli-pod');
    assert.equal((await leftovers(`tmux-agents-k8s-test.instance=${cli.instance}`)).containers.length, 1);
    cli.child.kill('SIGTERM');
    assert.deepEqual(await cli.exited, { code: 0, signal: null });
    assert.deepEqual(await leftovers(`tmux-agents-k8s-test.instance=${cli.instance}`), { containers: [], volumes: [] });
  } finally {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  }
});

test('a killed server leaves containers that sweepLeftovers removes; live servers are spared', T, async () => {
  const live = await startK8sTestServer();
  try {
    await runPod(live.kubeconfigPath, 'spared');
    const cli = await startCli();
    await runPod(cli.kubeconfig, 'orphan');
    cli.child.kill('SIGKILL');
    assert.equal((await cli.exited).signal, 'SIGKILL');
    const orphanFilter = `tmux-agents-k8s-test.instance=${cli.instance}`;
    assert.equal((await leftovers(orphanFilter)).containers.length, 1, 'the kill left the pod container behind');

    const swept = await sweepLeftovers(docker);
    assert.equal(swept.containers.length >= 1, true);
    assert.deepEqual(await leftovers(orphanFilter), { containers: [], volumes: [] });
    assert.equal((await leftovers(live.dockerLabelFilter)).containers.length, 1, 'the live server keeps its pod');
    assert.equal(await kubectlOk(live.kubeconfigPath, ['exec', 'spared', '--', 'echo', 'alive']), 'alive\n');
  } finally {
    await live.stop();
  }
  assert.deepEqual(await leftovers(live.dockerLabelFilter), { containers: [], volumes: [] });
});
