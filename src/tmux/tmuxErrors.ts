import { TmuxAgentsError } from '../core/errors';
import { EXIT_NOT_FOUND, type ExecResult } from './executor';

/** Turns a failed tmux run into the error that says what really went wrong. */
export function tmuxError(argv: readonly string[], r: ExecResult, where: string): TmuxAgentsError {
  const msg = (r.stderr || r.stdout).trim();
  const cmd = argv.find((a, i) => i > 0 && !a.startsWith('-') && !['-L', '-S', '-f'].includes(argv[i - 1]!)) ?? 'tmux';
  if (r.exitCode === EXIT_NOT_FOUND && /not found|no such file|executable file/i.test(msg + ' not found')) {
    return new TmuxAgentsError('tmux-not-installed', `tmux is not installed on ${where}.`, 'Install tmux (e.g. "apt-get install tmux" or "brew install tmux") and try again.');
  }
  if (/no server running|error connecting to|server exited unexpectedly/i.test(msg)) {
    return new TmuxAgentsError('tmux-no-server', `No tmux server is running on ${where} (${msg}).`);
  }
  // "no current target": a server with no sessions left (e.g. still exiting after the last was killed).
  if (/can't find (session|window|pane)|no such (session|window|pane)|session not found|no current target/i.test(msg)) {
    return new TmuxAgentsError('tmux-no-session', `tmux ${cmd} on ${where}: ${msg}.`);
  }
  return new TmuxAgentsError('tmux-failed', `tmux ${cmd} failed on ${where} (exit ${r.exitCode}): ${msg || 'no message'}.`);
}
