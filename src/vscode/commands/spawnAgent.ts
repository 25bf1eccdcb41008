import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { generateAgentId, validateAgentId } from '../../core/ids';
import type { AgentRuntime } from '../../core/types';
import { gitExecutorFor, spawnWithWorktree } from '../../worktrees/agentWorktreeLifecycle';
import { autoPilotByDefault, defaultProvider, worktreesEnabled } from '../configuration';
import type { TreeNode } from '../treeNodes';
import type { CommandContext } from './commandContext';

/** What the wizard starts with (adopting an orphan worktree presets its directory and id). */
export interface SpawnPreset {
  directory?: string;
  agentId?: string;
}

/** Wizard: runtime, provider, (command), task, directory, id; then spawn with progress. */
export async function spawnAgent(ctx: CommandContext, node?: TreeNode, preset: SpawnPreset = {}): Promise<void> {
  const runtime = await pickRuntime(ctx, node);
  if (!runtime) return;
  const catalog = ctx.providers();
  const preferred = defaultProvider();
  const providers = catalog.list().sort((a, b) => (a.id === preferred ? -1 : b.id === preferred ? 1 : 0));
  const provider = await vscode.window.showQuickPick(
    providers.map((p) => ({ label: p.label, description: p.id === 'custom' ? 'any command line' : p.command.join(' '), id: p.id })),
    { title: `Spawn Agent on ${runtime.label} (1/4): AI provider`, placeHolder: 'Which agent CLI?' },
  );
  if (!provider) return;
  let customCommand: string | undefined;
  if (provider.id === 'custom') {
    customCommand = await vscode.window.showInputBox({
      title: 'Spawn Agent: command line',
      prompt: 'The command to run in the tmux session (run through sh -c)',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a command'),
    });
    if (!customCommand) return;
  }
  const task = await vscode.window.showInputBox({
    title: `Spawn Agent on ${runtime.label} (2/4): task`,
    prompt: 'What should the agent do? Typed into the CLI once it is ready (leave empty for none).',
    ignoreFocusOut: true,
  });
  if (task === undefined) return;
  const workingDirectory = preset.directory ?? (await pickDirectory(runtime));
  if (!workingDirectory) return;
  const agentId = await vscode.window.showInputBox({
    title: `Spawn Agent on ${runtime.label} (4/4): agent id`,
    value: preset.agentId ?? generateAgentId(provider.id),
    prompt: 'Lowercase letters, digits and dashes',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        validateAgentId(v);
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  if (!agentId) return;

  const secretEnv = await ctx.apiKeys.envFor(provider.id);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Spawning ${agentId} on ${runtime.label}…`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const onBlocked = (line: string) => {
        progress.report({ message: `waiting for your answer: "${line}"` });
        void vscode.window
          .showWarningMessage(`Agent ${agentId} asks before it can start: "${line}". Attach to answer it; the task is sent once it is ready.`, 'Attach')
          .then(async (choice) => {
            if (choice !== 'Attach') return;
            await ctx.refresh.request('command');
            const agent = ctx.model.findAgent(runtime.id, agentId);
            if (agent) ctx.terminals.attach(agent.handle, ctx.manager.getAttachCommand(agent.handle));
          });
      };
      const sub = token.onCancellationRequested(() => abort.abort(new Error('Spawn cancelled by the user.')));
      try {
        // With worktrees on, the agent works in its own worktree and branch (removed again if the spawn fails).
        const { worktree } = await spawnWithWorktree(
          gitExecutorFor(runtime),
          { enabled: worktreesEnabled(), directory: workingDirectory, agentId, log: (m) => ctx.log.warn(m) },
          (dir) =>
            ctx.manager.spawnAgent(
              runtime.id,
              { agentId, aiProvider: provider.id, task: task || undefined, workingDirectory: dir, autoPilot: autoPilotByDefault(), customCommand, secretEnv, onBlocked },
              abort.signal,
            ),
        );
        if (worktree) ctx.log.info(`Agent ${agentId} works in worktree ${worktree.path} on branch ${worktree.branch}`);
      } finally {
        sub.dispose();
        ctx.model.rescanWorktrees();
      }
    },
  );
  await ctx.refresh.request('command');
  const choice = await vscode.window.showInformationMessage(`Agent ${agentId} is running on ${runtime.label}.`, 'Attach');
  if (choice === 'Attach') await vscode.commands.executeCommand('tmuxAgents.attach', { kind: 'agent', agent: ctx.model.findAgent(runtime.id, agentId) });
}

async function pickRuntime(ctx: CommandContext, node?: TreeNode): Promise<AgentRuntime | undefined> {
  if (node?.kind === 'runtime') return ctx.manager.get(node.listing.runtimeId);
  const runtimes = ctx.manager.list();
  if (runtimes.length === 1) return runtimes[0];
  const pick = await vscode.window.showQuickPick(
    runtimes.map((r) => {
      const h = ctx.model.health(r.id);
      return { label: r.label, description: `${r.type} · ${h ? (h.ok ? 'healthy' : 'unreachable') : 'not checked'}`, runtime: r };
    }),
    { title: 'Spawn Agent: where should it run?', placeHolder: 'Pick a runtime' },
  );
  return pick?.runtime;
}

async function pickDirectory(runtime: AgentRuntime): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
  const where = runtime.type === 'ssh' ? `on ${runtime.label}` : runtime.type === 'local' ? '' : 'on this machine (mounted at /workspace)';
  if (runtime.type === 'ssh') {
    return vscode.window.showInputBox({
      title: `Spawn Agent (3/4): working directory ${where}`,
      value: folders[0]?.uri.fsPath ?? '',
      prompt: `An absolute path that exists ${where}`,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a directory'),
    });
  }
  const items: (vscode.QuickPickItem & { path?: string })[] = folders.map((f) => ({ label: f.name, description: f.uri.fsPath, path: f.uri.fsPath }));
  items.push({ label: '$(folder-opened) Browse…', description: 'choose another folder' });
  const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title: `Spawn Agent (3/4): working directory ${where}`, placeHolder: 'Where should the agent work?' });
  if (!pick) return undefined;
  if (pick.path) return pick.path;
  const chosen = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use as working directory' });
  return chosen?.[0]?.fsPath;
}
