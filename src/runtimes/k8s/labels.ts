// Names, labels and annotations of an agent's Kubernetes objects. Labels are what the
// runtime selects by (`tmux-agents=true,tmux-agents.runtime-id=<id>`), so their values are
// held to Kubernetes' rules (63 characters of [A-Za-z0-9_.-], alphanumeric at both ends);
// values that do not fit are sanitised with a hash suffix so two different inputs never
// collide. The exact values, which may not fit a label, live in annotations.
import { createHash } from 'node:crypto';
import { AGENT_LABEL } from '../../core/agentLabels';

/** Label keys, the same names as the Docker runtime's container labels. */
export const LABEL = AGENT_LABEL;

/** Annotation keys: exact values the labels may only approximate, and free text. */
export const ANNOTATION = {
  runtimeId: 'tmux-agents.runtime-id',
  sessionName: 'tmux-agents.session-name',
  createdAt: 'tmux-agents.created-at',
  task: 'tmux-agents.task',
  /** The folder the agent was started for in VS Code (informational: the pod works in /workspace). */
  sourceFolder: 'tmux-agents.source-folder',
} as const;

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_LABEL = 63;

function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

export function isValidLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL && LABEL_VALUE.test(value);
}

/** `value` itself when it is a valid label value, else a readable, collision-free stand-in. */
export function labelValue(value: string): string {
  if (isValidLabelValue(value)) return value;
  const base = value
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .slice(0, MAX_LABEL - 9)
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9]+$/, '');
  const hash = shortHash(value);
  return base ? `${base}-${hash}` : hash;
}

/** UTC time in ISO 8601 basic format (20240501T102030Z): sortable and a valid label value. */
export function createdAtLabel(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** A DNS-1123 label fragment for a runtime id (lowercase alphanumerics and '-'), hashed when changed. */
export function dnsSlug(value: string): string {
  const slug = value.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (slug === value && slug.length <= 40) return slug;
  return `${slug.slice(0, 31).replace(/-+$/, '')}${slug ? '-' : ''}${shortHash(value)}`;
}

/** Pod name of an agent; the agent id is already a DNS-1123 label. Unique per runtime and agent. */
export function podName(runtimeId: string, agentId: string): string {
  return `tmux-agents-${dnsSlug(runtimeId)}-${agentId}`;
}

/** The agent's persistent workspace claim, when the runtime uses one. */
export function claimName(runtimeId: string, agentId: string): string {
  return `${podName(runtimeId, agentId)}-workspace`;
}

/** The one label selector `listAgents` and the watch use. */
export function runtimeSelector(runtimeId: string): string {
  return `${LABEL.marker}=true,${LABEL.runtimeId}=${labelValue(runtimeId)}`;
}

export interface AgentLabelInput {
  runtimeId: string;
  agentId: string;
  sessionName: string;
  provider: string;
  createdAt: Date;
}

export function agentLabels(i: AgentLabelInput): Record<string, string> {
  return {
    [LABEL.marker]: 'true',
    [LABEL.runtimeId]: labelValue(i.runtimeId),
    [LABEL.agentId]: labelValue(i.agentId),
    [LABEL.sessionName]: labelValue(i.sessionName),
    [LABEL.provider]: labelValue(i.provider),
    [LABEL.createdAt]: createdAtLabel(i.createdAt),
  };
}
