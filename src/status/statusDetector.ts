// Decides an agent's status from the signals we have, strongest first, and says which one
// decided. Pure: the caller probes, this only reads. When the signals cannot tell, the answer
// is "running" (the pane is alive, nothing finer is known) or "unknown" (we could not even
// look); it is never a guess at "working" or "idle".
import type { AgentStatus } from '../core/types';
import { HOOK_SOURCE_LABEL, HOOK_STATES, type HookState } from './agentHooks';
import { matchScreen, type CompiledScreenRule } from './screenRules';

export interface PaneSignal {
  dead: boolean;
  /** Exit status; tmux 3.3 sometimes marks a pane dead before it has reaped the process. */
  deadStatus?: number;
  deadSignal?: number;
  /** Epoch seconds of the window's last output (tmux window_activity). */
  activityAt?: number;
}

export interface HookSignal {
  state: string;
  /** Epoch seconds, written by the hook with `date +%s` on the same machine as tmux. */
  at: number;
  event?: string;
}

export interface DetectInput {
  provider: string;
  /** Epoch seconds on the clock of the tmux server (display-message `%s`), so SSH and container clocks never skew ages. */
  now: number;
  /** Epoch seconds the agent was created. */
  startedAt?: number;
  /** The runtime says the agent's container or pod is not running. */
  runtime?: { status: 'stopped' | 'failed' | 'exited'; reason: string };
  /** The probe failed or timed out: nothing below is known. */
  probeError?: string;
  pane?: PaneSignal;
  hook?: HookSignal;
  /** The captured pane, when the provider has screen rules and the screen was read. */
  screen?: string;
  rules?: readonly CompiledScreenRule[];
}

export type DecidingSignal = 'runtime' | 'probe' | 'pane' | 'hook' | 'screen' | 'start' | 'activity';

export interface Detection {
  status: AgentStatus;
  reason: string;
  signal: DecidingSignal;
  /**
   * Seconds after which this status lapses with nothing else happening (a working hook or
   * recent output going quiet, a start grace ending): when to look again without polling.
   */
  expiresInSec?: number;
}

export interface HookFreshnessPolicy {
  /** A "working" hook holds while output keeps coming: Claude fires nothing when the user interrupts with Esc. */
  workingQuietSec: number;
  /** Output this long after a waiting/idle/exited hook means something happened that the hook did not report. */
  settleSec: number;
}

export interface DetectorOptions {
  hook: HookFreshnessPolicy;
  /** Output within this many seconds, and no rule saying otherwise, counts as working. */
  workingWithinSec: number;
  /** A young agent whose screen matches nothing is still starting. */
  startingGraceSec: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  // Working CLIs animate a spinner several times a second; 10 s of silence is not working.
  hook: { workingQuietSec: 10, settleSec: 5 },
  workingWithinSec: 5,
  startingGraceSec: 30,
};

export function formatAgo(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/**
 * A reason with its ages (formatAgo's "12s", "3m") blanked: two reasons that differ only by
 * time passing say the same thing, and the tree need not re-render for them.
 */
export function reasonWithoutAges(reason: string): string {
  return reason.replace(/\b\d+[smhd]\b/g, '#');
}

export interface HookFreshness {
  fresh: boolean;
  /** Why it is not used, for tests and the log. */
  why?: string;
}

/** Whether a hook's state still describes the agent, given what the pane did since. */
export function hookFreshness(hook: HookSignal | undefined, pane: PaneSignal | undefined, now: number, policy: HookFreshnessPolicy): HookFreshness {
  if (!hook) return { fresh: false, why: 'no hook state' };
  if (!(HOOK_STATES as readonly string[]).includes(hook.state)) return { fresh: false, why: `unknown hook state ${JSON.stringify(hook.state)}` };
  if (!Number.isFinite(hook.at) || hook.at <= 0) return { fresh: false, why: 'hook time missing' };
  // Both clocks are the agent machine's; a time ahead of it is not a time we can reason with.
  if (hook.at > now + policy.settleSec) return { fresh: false, why: 'hook time is in the future' };
  const activity = pane?.activityAt;
  if ((hook.state as HookState) === 'working') {
    const lastSign = Math.max(hook.at, activity ?? 0);
    return now - lastSign <= policy.workingQuietSec ? { fresh: true } : { fresh: false, why: `no output for ${formatAgo(now - lastSign)} since a working hook` };
  }
  if (activity !== undefined && activity > hook.at + policy.settleSec) {
    return { fresh: false, why: `output ${formatAgo(activity - hook.at)} after the ${hook.event ?? hook.state} hook` };
  }
  return { fresh: true };
}

function paneExitReason(pane: PaneSignal): string {
  if (pane.deadSignal !== undefined) return `pane exited on signal ${pane.deadSignal}`;
  if (pane.deadStatus !== undefined) return `pane exited with status ${pane.deadStatus}`;
  return 'pane exited (tmux has not reported its exit status)';
}

export function detectStatus(input: DetectInput, options: Partial<DetectorOptions> = {}): Detection {
  const opts = { ...DEFAULT_DETECTOR_OPTIONS, ...options, hook: { ...DEFAULT_DETECTOR_OPTIONS.hook, ...options.hook } };
  const { now, pane } = input;

  // A stopped container or a dead pane is a fact, and it outranks the hooks: an agent that
  // crashed never ran the hook that would have said so, and its last "working" would stand.
  if (input.runtime) return { status: input.runtime.status, reason: input.runtime.reason, signal: 'runtime' };
  if (input.probeError !== undefined) return { status: 'unknown', reason: input.probeError, signal: 'probe' };
  if (!pane || !Number.isFinite(now)) return { status: 'unknown', reason: 'no pane state was reported', signal: 'probe' };
  if (pane.dead) return { status: 'exited', reason: paneExitReason(pane), signal: 'pane' };

  const hook = input.hook;
  if (hook && hookFreshness(hook, pane, now, opts.hook).fresh) {
    const source = HOOK_SOURCE_LABEL[input.provider] ?? input.provider;
    const what = hook.event ? `${hook.event} hook` : `${hook.state} hook`;
    const detection: Detection = { status: hook.state as HookState, reason: `${source} ${what} ${formatAgo(now - hook.at)} ago`, signal: 'hook' };
    if (hook.state === 'working') detection.expiresInSec = Math.max(hook.at, pane.activityAt ?? 0) + opts.hook.workingQuietSec - now;
    return detection;
  }

  const hasRules = !!input.rules && input.rules.length > 0;
  if (hasRules && input.screen !== undefined) {
    const m = matchScreen(input.rules!, input.screen);
    if (m) return { status: m.status, reason: `screen: ${m.label}`, signal: 'screen' };
  }

  if (input.startedAt !== undefined && now - input.startedAt < opts.startingGraceSec) {
    return {
      status: 'starting',
      reason: `started ${formatAgo(now - input.startedAt)} ago, no status signal yet`,
      signal: 'start',
      expiresInSec: input.startedAt + opts.startingGraceSec - now,
    };
  }

  const activity = pane.activityAt;
  if (activity === undefined || !Number.isFinite(activity) || activity <= 0) {
    return { status: 'unknown', reason: 'tmux reported no output activity', signal: 'activity' };
  }
  const quiet = now - activity;
  if (quiet <= opts.workingWithinSec) {
    return { status: 'working', reason: `output ${formatAgo(quiet)} ago`, signal: 'activity', expiresInSec: opts.workingWithinSec - quiet };
  }
  // Alive and quiet is all we know: neither idle (no prompt was seen) nor waiting.
  const unmatched = hasRules ? `screen matched no ${input.provider} rule, ` : '';
  return { status: 'running', reason: `${unmatched}no output for ${formatAgo(quiet)}`, signal: 'activity' };
}
