// Self-check of the e2e harness: a real VS Code (code-server) in headless Chromium, driven
// through every helper, against a tiny probe extension (test/fixtures/e2e-probe-extension).
// When an extension's e2e test fails and this passes, the harness and VS Code are fine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, startCodeServer, startWatchdog } from './codeServer.ts';
import { openWorkbench } from './workbench.ts';

const fixture = join(repoRoot, 'test', 'fixtures', 'e2e-probe-extension');

function packageProbe(dir: string): string {
  const vsix = join(dir, 'e2e-probe.vsix');
  const r = spawnSync(
    join(repoRoot, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', vsix],
    { cwd: fixture, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `vsce package failed:\n${r.stdout}${r.stderr}`);
  return vsix;
}

test('the e2e harness drives a real VS Code through a probe extension', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'e2e-selfcheck-'));
  const disarmWatchdog = startWatchdog({ dirs: [tmp] });
  const cleanup: Array<() => Promise<void> | void> = [() => rmSync(tmp, { recursive: true, force: true }), disarmWatchdog];
  t.after(async () => {
    for (const step of cleanup) await step(); // newest first: browser, server, temp dir
  });

  const vsix = packageProbe(tmp);
  const workspaceFolder = join(tmp, 'workspace');
  mkdirSync(workspaceFolder);
  const server = await startCodeServer({ vsixPath: vsix, workspaceFolder });
  cleanup.unshift(() => server.stop());
  const w = await openWorkbench(server.url);
  cleanup.unshift(() => w.close());
  t.diagnostic(`vsix installed in ${server.installMs} ms, code-server ready in ${server.startupMs} ms, workbench rendered in ${w.loadMs} ms`);

  await t.test('command palette right after load (reopens until the command is registered)', async () => {
    await w.runCommand('E2E Probe: Confirm Something');
    await w.waitFor(() => w.dialog(), { message: 'the modal dialog' });
    assert.deepEqual(await w.dialog(), { message: 'Really do it?', detail: 'The probe asks.', buttons: ['Cancel', 'Do It'] });
    await w.screenshot('selfcheck-dialog');
    await w.clickDialogButton('Do It');
    await w.waitForNotification('Confirmed: Do It');
  });

  await t.test('status bar item', async () => {
    const item = await w.waitFor(async () => (await w.statusBarItems()).find((i) => i.text === 'Probe ready'), {
      message: 'the probe status bar item',
    });
    assert.equal(item.id, 'tmux-agents-test.e2e-probe.e2eProbe.status');
  });

  await t.test('view container and tree rows', async () => {
    await w.openViewContainer('E2E Probe');
    const rows = await w.waitFor(async () => {
      const r = await w.treeRows('Probe Items');
      return r.length === 2 ? r : undefined;
    }, { message: 'two probe rows' });
    assert.deepEqual(
      rows.map((r) => [r.label, r.description, r.ariaLabel, r.level]),
      [['Alpha', 'first row', 'Alpha first row', 1], ['Beta', 'second row', 'Beta second row', 1]],
    );
    await w.openViewContainer('E2E Probe'); // already showing: must not toggle the sidebar away
    assert.equal((await w.treeRows('Probe Items')).length, 2);
    await w.screenshot('selfcheck-tree');
  });

  await t.test('command palette, notification and its button', async () => {
    await w.runCommand('E2E Probe: Say Hello');
    await w.waitForNotification('Hello from the probe');
    await w.screenshot('selfcheck-notification');
    await w.clickNotificationButton('Again', { message: 'Hello from the probe' });
    await w.waitForNotification('Probe clicked: Again');
  });

  await t.test('quick input: InputBox then QuickPick', async () => {
    await w.runCommand('Ask Questions'); // without its category: unambiguous
    await w.quickInput.waitOpen({ title: 'Probe: name' });
    assert.match(await w.quickInput.message(), /Your name\?/);
    await w.screenshot('selfcheck-inputbox');
    await w.quickInput.type('Ada', { title: 'Probe: name' });
    await w.quickInput.waitOpen({ title: 'Probe: color' });
    assert.deepEqual((await w.quickInput.items()).map((i) => i.label), ['red', 'green', 'blue']);
    await w.quickInput.pick('green', { title: 'Probe: color' });
    await w.waitForNotification('Answer: Ada likes green');
  });

  await t.test('tree row inline action and context menu', async () => {
    await w.clickTreeRowAction('Beta', 'Poke', { viewTitle: 'Probe Items' });
    await w.waitForNotification('Poked Beta');
    await w.clickTreeRowContextMenu('Alpha', 'Poke', { viewTitle: 'Probe Items' });
    await w.waitForNotification('Poked Alpha');
  });

  await t.test('terminal text from the DOM renderer, and typing into it', async () => {
    await w.runCommand('E2E Probe: Open Terminal');
    await w.waitForTerminalText('hello-from-terminal', { timeout: 20_000 });
    await w.waitForTerminalText(/hello-from-terminal\n.+/, { timeout: 20_000 }); // bash's prompt
    await w.typeInTerminal('echo sum=$((40 + 2))');
    assert.match(await w.waitForTerminalText(/^sum=42$/m), /echo sum=\$\(\(40 \+ 2\)\)\nsum=42/);
    await w.screenshot('selfcheck-terminal');
    assert.deepEqual(await w.terminalNames(), ['Probe Terminal']);
    await w.runCommand('E2E Probe: Open Terminal');
    await w.waitFor(async () => (await w.terminalNames()).join() === 'Probe Terminal,Probe Terminal', {
      message: async () => `two probe terminals (names: ${JSON.stringify(await w.terminalNames())})`,
    });
  });
});
