// Errors users see: what failed, where, and what to do next. `code` lets the UI and tests
// tell failures apart without parsing messages.

export type ErrorCode =
  | 'invalid-input'
  | 'tmux-not-installed'
  | 'tmux-no-server'
  | 'tmux-no-session'
  | 'tmux-failed'
  | 'timeout'
  | 'runtime-not-found'
  | 'runtime-exists'
  | 'runtime-unreachable'
  | 'agent-not-found'
  | 'agent-exists'
  | 'spawn-failed'
  | 'image-not-found'
  | 'auth-failed'
  | 'host-key'
  | 'forbidden'
  | 'unsupported';

export class TmuxAgentsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user can do about it; shown after the message. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message} ${hint}` : message, options);
    this.name = 'TmuxAgentsError';
  }
}

export function isTmuxAgentsError(e: unknown, code?: ErrorCode): e is TmuxAgentsError {
  return e instanceof TmuxAgentsError && (code === undefined || e.code === code);
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
