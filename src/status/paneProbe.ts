// One tmux invocation reads the state of many agents' panes: a display-message per agent,
// chained with ';'. display-message expands strftime in its template, so `%s` gives the
// tmux server's own clock, against which every age is measured (an SSH host's or a
// container's clock may differ from ours). A missing session does not fail the chain: tmux
// prints the line with empty fields, which is how a vanished agent is recognised.
import { SEP, paneTarget, type TmuxArg } from '../tmux/tmuxCommands';
import { HOOK_OPTION } from './agentHooks';
import type { HookSignal, PaneSignal } from './statusDetector';

const FIELDS = [
  'session_name',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'window_activity',
  HOOK_OPTION.state,
  HOOK_OPTION.at,
  HOOK_OPTION.event,
] as const;

/** Line prefix: tmux output is matched to the agent by index, and a stray line is detected. */
const MARK = 'TAPROBE';

export const PROBE_FORMAT = [MARK, '%s', ...FIELDS.map((f) => `#{${f}}`)].join('\t');

export function probeArgs(sessions: readonly string[]): TmuxArg[] {
  const args: TmuxArg[] = [];
  for (const s of sessions) {
    if (args.length) args.push(SEP);
    args.push('display-message', '-p', '-t', paneTarget(s), PROBE_FORMAT);
  }
  return args;
}

export interface ProbedPane {
  /** tmux server clock, epoch seconds. */
  now: number;
  pane: PaneSignal;
  hook?: HookSignal;
}

export type ProbeLine = { ok: true; value: ProbedPane } | { ok: false; error: string };

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};

/** Parses the output of `probeArgs(sessions)`, one result per session, in order. */
export function parseProbeOutput(sessions: readonly string[], stdout: string): ProbeLine[] {
  const lines = stdout.split('\n').filter((l) => l.startsWith(MARK + '\t'));
  if (lines.length !== sessions.length) {
    const error = `tmux answered ${lines.length} status lines for ${sessions.length} agents`;
    return sessions.map(() => ({ ok: false, error }));
  }
  return sessions.map((session, i): ProbeLine => {
    const [, now, name, pid, dead, deadStatus, deadSignal, activity, hookState, hookAt, hookEvent] = lines[i]!.split('\t');
    if (!pid || name !== session) return { ok: false, error: `tmux session ${session} was not found (the agent may just have ended)` };
    const serverNow = num(now);
    if (serverNow === undefined) return { ok: false, error: 'tmux did not report its clock' };
    const at = num(hookAt);
    return {
      ok: true,
      value: {
        now: serverNow,
        pane: { dead: dead === '1', deadStatus: num(deadStatus), deadSignal: num(deadSignal), activityAt: num(activity) },
        hook: hookState && at !== undefined ? { state: hookState, at, event: hookEvent || undefined } : undefined,
      },
    };
  });
}
