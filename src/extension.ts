// Activation wires services together; nothing here waits on the network.
import * as vscode from 'vscode';
import { ProviderCatalog } from './core/providers';
import { RuntimeManager } from './core/runtimeManager';
import { LocalProcessExecutor } from './runtimes/local/localProcessExecutor';
import { registerAllRuntimeTypes } from './runtimes/allRuntimeTypes';
import { createRuntime } from './runtimes/runtimeFactories';
import { StatusService, buildScreenRules, withAgentHooks } from './status';
import { AttentionNotifier } from './vscode/attentionNotifier';
import { AgentModel } from './vscode/agentModel';
import { AgentOutputDocuments } from './vscode/agentOutputDocuments';
import { AgentTreeProvider } from './vscode/agentTreeProvider';
import { ApiKeyStore } from './vscode/apiKeyStore';
import { AttachTerminals } from './vscode/attachTerminals';
import { registerCommands } from './vscode/commands/registerCommands';
import * as config from './vscode/configuration';
import { createOutputLogger } from './vscode/logOutput';
import { scanAgentWorktrees } from './worktrees/agentWorktreeLifecycle';
import { RefreshManager } from './vscode/refreshManager';
import { AgentStatusBar } from './vscode/statusBar';

export function activate(context: vscode.ExtensionContext): void {
  const apiKeys = new ApiKeyStore(context.secrets);
  const { channel, logger } = createOutputLogger(() => apiKeys.knownSecrets());
  context.subscriptions.push(channel);
  void apiKeys.load();
  registerAllRuntimeTypes();

  const manager = new RuntimeManager({ logger });
  context.subscriptions.push(manager);
  const makeProviders = () =>
    new ProviderCatalog(config.providerOverrides(), { decorateLaunch: config.agentHooks() ? withAgentHooks : undefined });
  let providers = makeProviders();

  const runtimeRegistrations: vscode.Disposable[] = [];
  const registerRuntimes = () => {
    for (const d of runtimeRegistrations.splice(0)) d.dispose();
    providers = makeProviders();
    const seen = new Set<string>();
    for (const spec of config.runtimeSpecs()) {
      const runtime = createRuntime(spec, { providers, logger, readyTimeoutMs: config.readyTimeoutMs(), liveUpdates: config.liveUpdates() });
      if (seen.has(runtime.id)) {
        logger.warn(`Runtime id "${runtime.id}" appears twice in settings; the second entry is ignored.`);
        continue;
      }
      seen.add(runtime.id);
      runtimeRegistrations.push(manager.register(runtime.id, runtime));
    }
    logger.info(`Registered runtimes: ${[...seen].join(', ') || 'none'}`);
  };
  registerRuntimes();
  context.subscriptions.push({ dispose: () => runtimeRegistrations.splice(0).forEach((d) => d.dispose()) });

  const rules = () => {
    const built = buildScreenRules(config.statusRules());
    for (const err of built.errors) logger.warn(`tmuxAgents.statusRules: ${err}`);
    return built;
  };
  const status = new StatusService({ rules: rules(), logger });
  context.subscriptions.push(status);
  // Orphan worktrees: those of the workspace folders' repositories (on this machine).
  const gitHere = new LocalProcessExecutor();
  const scanWorktrees = () =>
    scanAgentWorktrees(
      gitHere,
      (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      (m) => logger.warn(m),
    );
  const model = new AgentModel(manager, status, logger, scanWorktrees);
  const refresh = new RefreshManager(model, logger, { refreshMs: config.refreshIntervalMs, pingMs: config.pingIntervalMs });
  const terminals = new AttachTerminals();
  const outputs = new AgentOutputDocuments(manager);
  const tree = new AgentTreeProvider(model);
  const view = vscode.window.createTreeView('tmuxAgents.agents', { treeDataProvider: tree, showCollapseAll: false });
  const statusBar = new AgentStatusBar(model);
  const notifier = new AttentionNotifier(status, model, config.notifyWhenWaiting);
  context.subscriptions.push(model, refresh, terminals, outputs, tree, view, statusBar, notifier);

  context.subscriptions.push(
    view.onDidChangeVisibility((e) => refresh.setVisible(e.visible)),
    manager.onDidChangeAgents((e) => refresh.request('runtime-event', e.runtimeId)),
    manager.onDidChangeRuntimes(() => refresh.request('config')),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      model.rescanWorktrees();
      refresh.request('config');
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (config.RUNTIME_SETTINGS.some((k) => e.affectsConfiguration(k))) {
        registerRuntimes();
        void refresh.pingNow();
      }
      if (e.affectsConfiguration(`${config.SECTION}.${config.Setting.statusRules}`)) status.setRules(rules());
      if (e.affectsConfiguration(`${config.SECTION}.refreshIntervalSeconds`) || e.affectsConfiguration(`${config.SECTION}.pingIntervalSeconds`)) {
        refresh.start();
      }
    }),
    ...registerCommands({ manager, model, refresh, terminals, outputs, apiKeys, providers: () => providers, log: logger }),
  );

  refresh.setVisible(view.visible);
  refresh.start();
  refresh.request('config');
  logger.info('Tmux Agents activated');
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
