// Starting an agent CLI inside a tmux session, the same way in every runtime: session with
// a placeholder, labels and remain-on-exit set before the CLI runs, then the CLI, then a
// bounded wait for it to be ready, then the task pasted and submitted. Steps that need no
// answer in between share one tmux invocation (`;`): each invocation is a round trip,
// 50 ms into a container and more over SSH, so a spawn makes about five, not ten.
import { pollUntil } from '../core/async';
import { TmuxAgentsError, errorMessage } from '../core/errors';
import type { AgentLaunch } from '../core/providers';
import { SEP, newSessionArgs, respawnPaneArgs, setOptionsArgs } from './tmuxCommands';
import type { TmuxService } from './tmuxService';

export interface LaunchSpec {
  sessionName: string;
  cwd: string;
  launch: AgentLaunch;
  labels: Record<string, string>;
  task?: string;
  readyTimeoutMs: number;
  signal?: AbortSignal;
}

const PANE_WIDTH = 200;
const PANE_HEIGHT = 50;
/** Without a ready pattern, the screen must hold still this long to count as ready. */
const STABLE_MS = 400;

export function lastLines(text: string, n: number): string {
  return text.replace(/\s+$/, '').split('\n').slice(-n).join('\n');
}

export async function launchAgentSession(tmux: TmuxService, spec: LaunchSpec): Promise<void> {
  const { sessionName } = spec;
  try {
    // `cat` holds the pane until the real command replaces it, so options are in place
    // first; tmux runs the chain in order and stops at the first command that fails.
    await tmux.run([
      ...newSessionArgs({ name: sessionName, cwd: spec.cwd, width: PANE_WIDTH, height: PANE_HEIGHT, command: ['cat'] }),
      SEP,
      ...setOptionsArgs(sessionName, spec.labels, { 'remain-on-exit': 'on' }),
      SEP,
      ...respawnPaneArgs(sessionName, spec.launch.argv, { cwd: spec.cwd, env: spec.launch.env }),
    ]);
    await waitUntilReady(tmux, sessionName, spec.launch.readyPattern, spec.readyTimeoutMs, spec.signal, {
      pattern: spec.launch.blockedPattern,
      onBlocked: spec.launch.onBlocked,
    });
    if (spec.task) await deliverTask(tmux, sessionName, spec.task);
  } catch (e) {
    // A session of that name that existed before is not ours to remove.
    if (!/duplicate session/.test(errorMessage(e))) await tmux.killSession(sessionName).catch(() => undefined);
    throw e;
  }
}

/**
 * A CLI may ask something before it is ready (a trust dialog, a login choice). Then the user
 * is told (onBlocked) and gets BLOCKED_TIMEOUT_MS to answer; the task follows once it is ready.
 */
export interface BlockedScreen {
  pattern?: RegExp;
  onBlocked?: (line: string) => void;
}
export const BLOCKED_TIMEOUT_MS = 10 * 60_000;

export async function waitUntilReady(
  tmux: TmuxService,
  session: string,
  pattern: RegExp | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
  blocked: BlockedScreen = {},
): Promise<void> {
  let last = '';
  let stableSnapshot = '';
  let stableSince = 0;
  let deadline = Date.now() + timeoutMs;
  let blockedLine: string | undefined;
  const ready = await pollUntil(
    async () => {
      signal?.throwIfAborted();
      if (Date.now() > deadline) return false;
      const { state, screen } = await tmux.paneStateAndScreen(session);
      last = screen;
      if (state.dead) {
        // With remain-on-exit, tmux scrolls the screen up a line to print "Pane is dead (...)"
        // at the bottom: read the history too, and drop that line. tmux 3.3a does not always
        // learn the exit status.
        const output = (await tmux.capturePane(session, { lines: PANE_HEIGHT })).replace(/^Pane is dead \(.*\)$/m, '');
        const status = state.deadStatus === undefined ? '' : ` with status ${state.deadStatus}`;
        throw new TmuxAgentsError(
          'spawn-failed',
          `The agent command exited${status} before it was ready (on ${tmux.where}). Its last output:\n${lastLines(output, 15) || '(nothing)'}`,
          'Check that the CLI is installed and starts in that directory.',
        );
      }
      if (pattern && pattern.test(last)) return true;
      const m = blocked.pattern && !blockedLine ? blocked.pattern.exec(last) : null;
      if (m) {
        blockedLine = (last.split('\n').find((l) => l.includes(m[0])) ?? m[0]).trim();
        deadline = Math.max(deadline, Date.now() + BLOCKED_TIMEOUT_MS);
        blocked.onBlocked?.(blockedLine);
      }
      if (pattern) return undefined;
      if (!last.trim()) return undefined;
      const now = Date.now();
      if (last !== stableSnapshot) {
        stableSnapshot = last;
        stableSince = now;
        return undefined;
      }
      return now - stableSince >= STABLE_MS ? true : undefined;
    },
    { timeoutMs: Math.max(timeoutMs, BLOCKED_TIMEOUT_MS) + 1_000, intervalMs: 20, maxIntervalMs: 200, signal },
  );
  if (!ready) {
    const waited = blockedLine ? `after asking "${blockedLine}"` : `within ${timeoutMs} ms`;
    throw new TmuxAgentsError(
      'timeout',
      `The agent did not become ready ${waited} (session ${session} on ${tmux.where}). Its screen:\n${lastLines(last, 15) || '(empty)'}`,
      pattern ? `Its ready pattern /${pattern.source}/ never matched; adjust it in tmuxAgents.providers or raise tmuxAgents.readyTimeoutMs.` : 'Raise tmuxAgents.readyTimeoutMs if the CLI is slow to start.',
    );
  }
}
/** Pastes the task, waits for the CLI to show it, then submits it with Enter. */
export async function deliverTask(tmux: TmuxService, session: string, task: string): Promise<void> {
  const before = await tmux.captureThenPaste(session, task);
  // Enter sent while the CLI is still reading the paste can be swallowed by it.
  await pollUntil(async () => ((await tmux.capturePane(session)) !== before ? true : undefined), {
    timeoutMs: 2_000,
    intervalMs: 10,
    maxIntervalMs: 100,
  });
  try {
    await tmux.sendKeys(session, 'Enter');
  } catch (e) {
    throw new TmuxAgentsError('spawn-failed', `The task was pasted but could not be submitted: ${errorMessage(e)}`);
  }
}
