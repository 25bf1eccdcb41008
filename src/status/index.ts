// Status detection: what every agent is doing, from its hooks, its runtime, its screen and
// its output, for every runtime alike. vscode-free; the VS Code layer only renders it.
export { HOOK_OPTION, HOOK_SOURCE_LABEL, CLAUDE_HOOK_BINDINGS, agentHookLaunch, claudeHookSettings, codexNotifyArgv, hookShellCommand, withAgentHooks } from './agentHooks';
export type { AgentHookLaunch, HookState } from './agentHooks';
export { BUILTIN_SCREEN_RULES, buildScreenRules, matchScreen } from './screenRules';
export type { ProviderScreenRules, ScreenRuleOverrides, ScreenRuleSet, ScreenRuleSpec, ScreenStatus } from './screenRules';
export { DEFAULT_DETECTOR_OPTIONS, detectStatus, formatAgo, hookFreshness, reasonWithoutAges } from './statusDetector';
export type { DetectInput, Detection, DetectorOptions } from './statusDetector';
export { StatusService, agentKey } from './statusService';
export type { RefineResult, RefineStats, StatusServiceOptions, StatusTransition } from './statusService';
