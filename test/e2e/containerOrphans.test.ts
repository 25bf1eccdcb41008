// The packaged extension in a real VS Code (code-server) driven through headless Chromium: a
// Docker container labelled as one of our agents' whose tmux session is gone and cannot be
// relaunched lands under Orphans, and Clean Up removes it (checked with the docker CLI).
// Needs a running Docker Engine and the agent image (scripts/setup/test-env.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, startCodeServer, type CodeServer } from './harness/codeServer.ts';
import { testScope } from './harness/testScope.ts';
import { openWorkbench, type TreeRow, type Workbench } from './harness/workbench.ts';

const VSIX = join(repoRoot, 'dist', 'tmux-agents.vsix');
const IMAGE = 'tmux-agents-base:latest';
const CLEAN_UP = 'Clean Up Orphan';

function docker(...args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `docker ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

const rowsText = (rows: TreeRow[]) => rows.map((r) => `${'  '.repeat(r.level - 1)}${r.label} [${r.description}]`).join(' | ');

test('a container of ours without its tmux session shows under Orphans, and Clean Up removes it', async (t) => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run \`npm run package\` first (npm test does).`);
  assert.equal(spawnSync('docker', ['image', 'inspect', IMAGE]).status, 0, `no Docker Engine answering or no image ${IMAGE}: run \`bash scripts/setup/test-env.sh\``);
  // Cleanup registered as things start, run newest first even when a step fails.
  const { tmp, onCleanup } = testScope(t, 'e2e-container-orphans-');
  const runtimeId = `e2e-orphans-${process.pid}`;
  const runtimeLabel = 'Docker (orphans e2e)';
  const agentId = 'e2e-lost-session';
  const ours = () => docker('ps', '-aq', '--filter', `label=tmux-agents.runtime-id=${runtimeId}`);
  onCleanup(() => {
    const left = spawnSync('docker', ['ps', '-aq', '--filter', `label=tmux-agents.runtime-id=${runtimeId}`], { encoding: 'utf8' }).stdout.trim();
    if (left) spawnSync('docker', ['rm', '-f', ...left.split('\n')]);
  });

  // What the Docker runtime labels its agent containers with (src/core/agentLabels.ts), but no
  // tmux session inside and no recorded CLI (tmux-agents.launch), so it cannot be relaunched.
  const container = docker(
    'run', '-d', '--init',
    '--label', 'tmux-agents=true',
    '--label', `tmux-agents.runtime-id=${runtimeId}`,
    '--label', `tmux-agents.agent-id=${agentId}`,
    '--label', `tmux-agents.session-name=ta-${agentId}`,
    '--label', 'tmux-agents.ai-provider=custom',
    '--label', `tmux-agents.created-at=${new Date().toISOString()}`,
    IMAGE, 'sleep', 'infinity',
  );
  const running = () => spawnSync('docker', ['inspect', '-f', '{{.State.Running}}', container], { encoding: 'utf8' }).stdout.trim() === 'true';
  assert.ok(running(), 'the labelled container runs');

  const workspaceFolder = join(tmp, 'workspace');
  mkdirSync(workspaceFolder);
  const server: CodeServer = await startCodeServer({
    vsixPath: VSIX,
    workspaceFolder,
    settings: {
      'tmuxAgents.local.enabled': false,
      'tmuxAgents.refreshIntervalSeconds': 1,
      'tmuxAgents.runtimes': [{ type: 'docker', id: runtimeId, label: runtimeLabel, image: IMAGE, credentialMounts: false }],
    },
  });
  onCleanup(() => server.stop());
  const w: Workbench = await openWorkbench(server.url);
  onCleanup(() => w.close());

  let last: TreeRow[] = [];
  const waitForTree = (check: (r: TreeRow[]) => boolean, message: string, timeout = 20_000) =>
    w.waitFor(
      async () => {
        last = await w.treeRows('Agents');
        return check(last) ? last : undefined;
      },
      { message: () => `${message} (tree: ${rowsText(last)})`, timeout },
    );
  const has = (r: TreeRow[], label: string) => r.some((x) => x.label === label);

  await t.test('after the relaunch grace period the container is listed under Orphans, not as an agent', async () => {
    await w.openViewContainer('Tmux Agents');
    // The runtime first waits a grace period (a restarted container gets its CLI relaunched),
    // then tries the relaunch, which fails here: only then is it an orphan.
    const r = await waitForTree((x) => has(x, 'Orphans') && has(x, agentId), `${agentId} under Orphans`, 60_000);
    const labels = r.map((x) => x.label);
    const runtimeRow = r.find((x) => x.label === runtimeLabel);
    assert.ok(runtimeRow, `the Docker runtime row: ${rowsText(r)}`);
    assert.match(runtimeRow.description, /^healthy · 0 agents/, 'the orphan is not counted as an agent of the runtime');
    assert.equal(r.find((x) => x.label === 'Orphans')!.description, '1 to clean up or adopt');
    const row = r.find((x) => x.label === agentId)!;
    assert.equal(row.level, 2);
    assert.ok(labels.indexOf(agentId) > labels.indexOf('Orphans'), rowsText(r));
    assert.equal(row.description, `container without its tmux session · ${runtimeId}`);
    assert.equal(labels.filter((l) => l === agentId).length, 1, `listed once: ${rowsText(r)}`);
    await w.screenshot('container-orphan-01');
  });

  await t.test('Clean Up asks first: Cancel keeps the container, Remove deletes it and the group goes', async () => {
    const question = new RegExp(`^Remove the container of agent ${agentId} on ${runtimeId}\\?$`);
    await w.clickTreeRowAction(agentId, CLEAN_UP, { viewTitle: 'Agents' });
    let dialog = await w.waitFor(() => w.dialog(), { message: 'the clean-up dialog' });
    assert.match(dialog.message, question);
    assert.match(dialog.detail, /Its tmux session is gone; removing the container loses whatever is left inside it\./);
    await w.clickDialogButton('Cancel');
    assert.ok(running(), 'Cancel leaves the container running');

    await w.clickTreeRowAction(agentId, CLEAN_UP, { viewTitle: 'Agents' });
    dialog = await w.waitFor(() => w.dialog(), { message: 'the clean-up dialog' });
    assert.match(dialog.message, question);
    await w.clickDialogButton('Remove');
    await waitForTree((x) => !has(x, 'Orphans') && !has(x, agentId), 'the Orphans group to disappear', 30_000);
    assert.equal(ours(), '', 'no container of this runtime is left, running or stopped');
  });
});
