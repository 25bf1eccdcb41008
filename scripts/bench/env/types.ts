// One runtime under test, set up for the benchmark: the runtime itself, how to configure an
// agent on it, and the checks around a measurement (task delivered, nothing left, memory).
import type { AgentConfig, AgentHandle, AgentRuntime } from '../../../src/core/types';
import type { RuntimeName } from '../options';

/**
 * `fake`: test/fixtures/fake-agent.mjs (a Node.js process, like the real CLIs), which records
 * the task it receives. `minimal`: `sh -c "printf 'fake-agent> '; exec cat"`, the same prompt
 * from a process of ~1 MiB, for populating listings and measuring what the runtime itself costs.
 */
export type AgentKind = 'fake' | 'minimal';

export const MINIMAL_AGENT = `printf 'fake-agent> '; exec cat`;

export interface IdleMemory {
  /** What the figures are (cgroup v1 usage minus inactive file, VmRSS of the pane's tree, ...). */
  source: string;
  /** The whole agent: its container's cgroup, or the pane's process tree. */
  totalMiB: number;
  /** The agent CLI's process tree alone (VmRSS). */
  agentMiB: number;
  byProcess: Record<string, number>;
  /** Container cgroups only. */
  cgroup?: { usageMiB: number; workingSetMiB: number; anonMiB: number; cacheMiB: number };
}

export interface BenchRuntime {
  readonly name: RuntimeName;
  readonly runtime: AgentRuntime;
  config(agentId: string, kind: AgentKind, task?: string): AgentConfig;
  /** Untimed, after a spawn: did the fake agent record exactly this task as submitted? */
  delivered(handle: AgentHandle, task: string): Promise<boolean>;
  /** Called before a kill; the check it returns is true once nothing of the agent is left. */
  goneCheck(handle: AgentHandle): Promise<() => Promise<boolean>>;
  /** The naive way to run one tmux command: a new CLI process per command. */
  readonly cliTmux?: { label: string; run(handle: AgentHandle, tmuxArgv: readonly string[]): Promise<void> };
  /** Idle memory of one agent, or undefined where this runtime cannot see it. */
  memory?(handle: AgentHandle): Promise<IdleMemory | undefined>;
  /** Removes everything this environment started (also registered with the cleanup). */
  dispose(): Promise<void>;
}
