// Every setting the extension reads, in one place. The core gets plain typed options.
import * as vscode from 'vscode';
import type { ProviderOverrides } from '../core/providers';
import type { ScreenRuleOverrides } from '../status';
import type { RuntimeSpec } from '../runtimes/runtimeFactories';

export const SECTION = 'tmuxAgents';

export const Setting = {
  runtimes: 'runtimes',
  localEnabled: 'local.enabled',
  localSocketName: 'local.socketName',
  localTmuxConfig: 'local.tmuxConfig',
  providers: 'providers',
  defaultProvider: 'defaultProvider',
  autoPilot: 'autoPilot',
  readyTimeoutSeconds: 'readyTimeoutSeconds',
  refreshIntervalSeconds: 'refreshIntervalSeconds',
  pingIntervalSeconds: 'pingIntervalSeconds',
  notifyWhenWaiting: 'notifyWhenWaiting',
  agentHooks: 'agentHooks',
  statusRules: 'statusRules',
  worktrees: 'worktrees',
  liveUpdates: 'liveUpdates',
} as const;

function get<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration(SECTION).get<T>(key, fallback);
}

export const LOCAL_RUNTIME_ID = 'local';

/** Runtimes to register: the local one (unless turned off) and the configured ones. */
export function runtimeSpecs(): RuntimeSpec[] {
  const specs: RuntimeSpec[] = [];
  if (get(Setting.localEnabled, true)) {
    specs.push({
      type: 'local',
      id: LOCAL_RUNTIME_ID,
      label: 'Local',
      socketName: get(Setting.localSocketName, 'tmux-agents'),
      tmuxConfigFile: get(Setting.localTmuxConfig, ''),
    });
  }
  const configured = get<unknown>(Setting.runtimes, []);
  if (Array.isArray(configured)) {
    for (const entry of configured) {
      if (entry && typeof entry === 'object') specs.push(entry as RuntimeSpec);
    }
  }
  return specs;
}

export const providerOverrides = (): ProviderOverrides => get<ProviderOverrides>(Setting.providers, {});
export const defaultProvider = (): string => get(Setting.defaultProvider, 'claude');
export const autoPilotByDefault = (): boolean => get(Setting.autoPilot, false);
export const readyTimeoutMs = (): number => Math.max(1, get(Setting.readyTimeoutSeconds, 60)) * 1000;
export const refreshIntervalMs = (): number => Math.max(1, get(Setting.refreshIntervalSeconds, 5)) * 1000;
export const pingIntervalMs = (): number => Math.max(5, get(Setting.pingIntervalSeconds, 30)) * 1000;

export const notifyWhenWaiting = (): boolean => get(Setting.notifyWhenWaiting, true);
export const agentHooks = (): boolean => get(Setting.agentHooks, true);
/** Each spawned agent gets its own git worktree and branch when its directory is in a repository. */
export const worktreesEnabled = (): boolean => get(Setting.worktrees, false);
/** Local and SSH agents are watched by a tmux control-mode client instead of polled. */
export const liveUpdates = (): boolean => get(Setting.liveUpdates, true);
export const statusRules = (): ScreenRuleOverrides => get<ScreenRuleOverrides>(Setting.statusRules, {});

/** Settings whose change means the runtimes must be rebuilt. */
export const RUNTIME_SETTINGS = [Setting.runtimes, Setting.localEnabled, Setting.localSocketName, Setting.localTmuxConfig, Setting.providers, Setting.readyTimeoutSeconds, Setting.agentHooks, Setting.liveUpdates].map(
  (k) => `${SECTION}.${k}`,
);
