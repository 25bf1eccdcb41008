// The agents' own lifecycle hooks, configured for the agents we spawn. A hook runs inside
// the agent's pane, where tmux sets $TMUX and $TMUX_PANE, so `tmux set-option -p -t
// "$TMUX_PANE"` reaches the right server and pane with no socket name: the same command
// works locally, over SSH, in a container and in a pod. The state lands in pane options that
// the status probe reads in the same display-message as the pane state.
//
// Claude Code 2.1.332 takes hooks in `--settings <json>` (checked with `claude --help` and
// run for real in the agent image: UserPromptSubmit, PermissionRequest, Notification, Stop
// and StopFailure fired as mapped below). Codex 0.169.0 runs its `notify` program (set with
// `-c notify=[...]`, parsed as TOML) with a JSON argument when a turn completes.

export const HOOK_OPTION = {
  state: '@tmux-agents.hook-state',
  at: '@tmux-agents.hook-at',
  event: '@tmux-agents.hook-event',
} as const;

export type HookState = 'working' | 'waiting' | 'idle' | 'exited';
export const HOOK_STATES: readonly HookState[] = ['working', 'waiting', 'idle', 'exited'];

/** Who wrote the hook state, for the status reason ("Claude Code Stop hook 12s ago"). */
export const HOOK_SOURCE_LABEL: Readonly<Record<string, string>> = {
  claude: 'Claude Code',
  codex: 'Codex',
};

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * The shell command a hook runs: one tmux invocation sets state, time and event together,
 * so the probe never sees a new state with an old time. Outside tmux ($TMUX_PANE unset) it
 * does nothing, and it never fails: a failing hook would show an error inside the agent.
 */
export function hookShellCommand(state: HookState, event: string): string {
  if (!HOOK_STATES.includes(state)) throw new Error(`Unknown hook state ${JSON.stringify(state)}`);
  // The event is interpolated into a shell command: only a plain word is accepted.
  if (!EVENT_NAME.test(event)) throw new Error(`Invalid hook event name ${JSON.stringify(event)}`);
  return setStateScript(state, event);
}

function setStateScript(state: string, event: string): string {
  const t = '-t "$TMUX_PANE"';
  return (
    `[ -n "$TMUX_PANE" ] && tmux set-option -p ${t} ${HOOK_OPTION.state} ${state}` +
    ` \\; set-option -p ${t} ${HOOK_OPTION.at} "$(date +%s)"` +
    ` \\; set-option -p ${t} ${HOOK_OPTION.event} ${event} >/dev/null 2>&1 || true`
  );
}

export interface ClaudeHookBinding {
  event: string;
  /** Claude matches it against the tool name, or the notification type for Notification. */
  matcher?: string;
  state: HookState;
}

/**
 * Claude Code events and the state each one means. PermissionRequest fires when the
 * permission dialog (or an AskUserQuestion menu) opens; Notification repeats it a few
 * seconds later for permission prompts and MCP elicitations only (its `idle_prompt` type,
 * sent after 60 s of idleness, is not a reason to call a finished turn "waiting").
 * StopFailure ends a turn that failed (API unreachable): the turn is over all the same.
 * No event fires when the user interrupts with Esc; the detector lets a "working" hook go
 * stale when output stops for that reason.
 */
export const CLAUDE_HOOK_BINDINGS: readonly ClaudeHookBinding[] = [
  { event: 'UserPromptSubmit', state: 'working' },
  { event: 'PreToolUse', matcher: '*', state: 'working' },
  { event: 'PostToolUse', matcher: '*', state: 'working' },
  { event: 'PermissionRequest', matcher: '*', state: 'waiting' },
  { event: 'Notification', matcher: 'permission_prompt|elicitation_dialog', state: 'waiting' },
  { event: 'Stop', state: 'idle' },
  { event: 'StopFailure', state: 'idle' },
  { event: 'SessionEnd', state: 'exited' },
];

/** Seconds Claude waits for one of our hooks; a tmux call takes milliseconds. */
const CLAUDE_HOOK_TIMEOUT_S = 10;

/** The `--settings` JSON: hooks only, merged by Claude with the user's own settings and hooks. */
export function claudeHookSettings(bindings: readonly ClaudeHookBinding[] = CLAUDE_HOOK_BINDINGS): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const b of bindings) {
    (hooks[b.event] ??= []).push({
      ...(b.matcher !== undefined ? { matcher: b.matcher } : {}),
      hooks: [{ type: 'command', command: hookShellCommand(b.state, b.event), timeout: CLAUDE_HOOK_TIMEOUT_S }],
    });
  }
  return { hooks };
}

/**
 * Codex's notify program: argv that Codex runs with the notification JSON appended as the
 * last argument ($1 of the script). It reports `agent-turn-complete` today; the type is
 * matched on the unescaped `"type":"..."` key so text inside the assistant's message (which
 * is JSON-escaped) cannot trigger it.
 */
export function codexNotifyArgv(): string[] {
  const script =
    `case "$1" in` +
    ` *'"type":"agent-turn-complete"'*) s=idle e=agent-turn-complete ;;` +
    ` *'"type":"approval-requested"'*) s=waiting e=approval-requested ;;` +
    ` *) exit 0 ;; esac; ` +
    setStateScript('"$s"', '"$e"');
  return ['sh', '-c', script, 'tmux-agents-notify'];
}

/** A TOML array of strings; JSON string escapes are valid TOML basic-string escapes. */
export function tomlStringArray(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(', ')}]`;
}

export interface AgentHookLaunch {
  /** Appended to the provider's argv (options, so after any autopilot flags). */
  args: string[];
  env: Record<string, string>;
  /** Why nothing was added, for the log. */
  skipped?: string;
}

/**
 * Extra argv/env that make an agent report its lifecycle into its pane, for `provider`
 * launched as `argv`. Appended, not inserted after argv[0], because the command may be a
 * launcher (`npx @anthropic-ai/claude-code`). Providers without hooks get nothing and are
 * followed by screen rules and output activity alone.
 */
export function agentHookLaunch(provider: string, argv: readonly string[]): AgentHookLaunch {
  switch (provider) {
    case 'claude':
      // A user-supplied --settings may be a file: a second one would replace it, not merge.
      if (argv.some((a) => a === '--settings' || a.startsWith('--settings='))) {
        return { args: [], env: {}, skipped: 'the command already passes --settings' };
      }
      // --bare skips all settings hooks.
      if (argv.includes('--bare')) return { args: [], env: {}, skipped: 'the command uses --bare, which skips hooks' };
      return { args: ['--settings', JSON.stringify(claudeHookSettings())], env: {} };
    case 'codex':
      // -c notify=... replaces a notify program from the user's config.toml; keep theirs if they set one here.
      if (argv.some((a, i) => /^notify\s*=/.test(a) && (argv[i - 1] === '-c' || argv[i - 1] === '--config'))) {
        return { args: [], env: {}, skipped: 'the command already sets notify' };
      }
      return { args: ['-c', `notify=${tomlStringArray(codexNotifyArgv())}`], env: {} };
    default:
      return { args: [], env: {}, skipped: `${provider} has no lifecycle hooks we configure` };
  }
}

/** `launch` with the hooks of `provider` added (argv appended, env merged under the user's). */
export function withAgentHooks<T extends { argv: string[]; env: Record<string, string> }>(provider: string, launch: T): T {
  const extra = agentHookLaunch(provider, launch.argv);
  if (!extra.args.length && !Object.keys(extra.env).length) return launch;
  return { ...launch, argv: [...launch.argv, ...extra.args], env: { ...extra.env, ...launch.env } };
}
