import { TmuxAgentsError } from './errors';

// Agent ids become tmux session names, container names, pod names and label values, so
// they are held to the strictest of those rules (DNS-1123 label, 63 chars) at the boundary.
const AGENT_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const RUNTIME_ID = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62})$/;

export const SESSION_PREFIX = 'ta-';

export function validateAgentId(id: string): string {
  if (!AGENT_ID.test(id)) {
    throw new TmuxAgentsError(
      'invalid-input',
      `Invalid agent id ${JSON.stringify(id)}: use 1-63 lowercase letters, digits and dashes, starting and ending with a letter or digit (e.g. "fix-login-2").`,
    );
  }
  return id;
}

export function validateRuntimeId(id: string): string {
  if (!RUNTIME_ID.test(id)) {
    throw new TmuxAgentsError(
      'invalid-input',
      `Invalid runtime id ${JSON.stringify(id)}: use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
  return id;
}

// tmux expands formats in a new session's name (`#(...)` runs a command) and turns '.'
// and ':' into '_', so a name given by the caller is held to a plain slug too.
const SESSION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;

export function validateSessionName(name: string): string {
  if (!SESSION_NAME.test(name)) {
    throw new TmuxAgentsError(
      'invalid-input',
      `Invalid tmux session name ${JSON.stringify(name)}: use 1-100 letters, digits, '_' and '-', not starting with '-'.`,
    );
  }
  return name;
}

export function sessionNameFor(agentId: string): string {
  return SESSION_PREFIX + validateAgentId(agentId);
}

/** A readable unique id: provider, then a short random suffix. */
export function generateAgentId(provider: string, random: () => number = Math.random): string {
  const base = provider.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'agent';
  const suffix = Math.floor(random() * 36 ** 5).toString(36).padStart(5, '0');
  return `${base.slice(0, 50)}-${suffix}`;
}
