// The runtime contract every backend (local, SSH, Docker, Kubernetes) implements.
import type { Event } from './lifecycle';
import type { TmuxService } from '../tmux/tmuxService';

/**
 * What an agent is doing. `running` means alive with no finer signal; `unknown` means a
 * probe failed or timed out: never a guess.
 */
export type AgentStatus =
  | 'starting'
  | 'running'
  | 'working'
  | 'waiting'
  | 'idle'
  | 'exited'
  | 'failed'
  | 'stopped'
  | 'unknown';

export interface ResourceLimits {
  /** Bytes. */
  memory?: number;
  /** CPUs, fractional allowed (1.5). */
  cpus?: number;
}

export interface AgentConfig {
  /** Slug, validated by `validateAgentId`. */
  agentId: string;
  /** A provider id from the catalog: claude, gemini, codex, aider, opencode or custom. */
  aiProvider: string;
  /** Typed into the CLI once it is ready, then submitted with Enter. Byte-exact. */
  task?: string;
  /** Where the agent works. For container runtimes: the host path mounted at /workspace. */
  workingDirectory: string;
  /** Defaults to `ta-<agentId>`. */
  sessionName?: string;
  autoPilot?: boolean;
  resources?: ResourceLimits;
  /** Extra environment for the agent process. Values are passed byte-exact, never through a shell. */
  env?: Record<string, string>;
  /**
   * Credentials (API keys) for the agent process: passed like env, but never written to
   * labels, logs, images or settings. Container runtimes set them on the container only.
   */
  secretEnv?: Record<string, string>;
  /**
   * Told when the CLI asks a question before it is ready (a trust dialog, a login choice):
   * the spawn then waits for the user to answer (attach) instead of timing out.
   */
  onBlocked?: (line: string) => void;
  /** For the `custom` provider: the command line to run (through `sh -c`, it is the user's own command). */
  customCommand?: string;
}

export interface AgentHandle {
  runtimeType: string;
  /** The id the runtime is registered under; routing uses it, never a default. */
  runtimeId: string;
  agentId: string;
  sessionName: string;
  /** Runtime-specific (container id, pod name, ...). */
  data: Readonly<Record<string, string>>;
}

export interface AgentInfo {
  handle: AgentHandle;
  status: AgentStatus;
  /** Which signal decided the status, for the tooltip. */
  statusReason?: string;
  createdAt?: Date;
  provider: string;
  taskSummary?: string;
  workingDirectory?: string;
  /**
   * The container or pod runs but the agent's tmux session is gone and will not come back
   * by itself: an orphan, shown in the tree's Orphans group for the user to clean up.
   */
  sessionMissing?: boolean;
}

/** A command as an argv; the terminal runs it without a shell. */
export interface AttachCommand {
  argv: readonly string[];
}

export interface AgentRuntime {
  readonly type: string;
  readonly id: string;
  /** Human label for the tree (e.g. "Local", "ssh: build-box"). */
  readonly label: string;
  spawnAgent(config: AgentConfig, signal?: AbortSignal): Promise<AgentHandle>;
  killAgent(handle: AgentHandle): Promise<void>;
  listAgents(): Promise<AgentInfo[]>;
  getTmux(handle: AgentHandle): TmuxService;
  getAttachCommand(handle: AgentHandle): AttachCommand;
  /** Resolves when the runtime is usable; rejects with a user-facing error otherwise. */
  ping(): Promise<void>;
  /** Hints that agents changed outside our own calls (engine events, watches). */
  readonly onDidChangeAgents?: Event<void>;
  /**
   * True while onDidChangeAgents reports every change of the agents' status (sessions,
   * pane deaths, hooks, output), so they need no polling. Absent means false.
   */
  isLive?(): boolean;
  dispose?(): void;
}
