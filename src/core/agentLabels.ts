/**
 * Label keys that mark an agent's container or pod as ours, shared by the Docker and
 * Kubernetes runtimes so one selector (`tmux-agents=true,tmux-agents.runtime-id=<id>`) means
 * the same everywhere. tmux sessions use the same names as user options (@tmux-agents.*).
 */
export const AGENT_LABEL = {
  marker: 'tmux-agents',
  runtimeId: 'tmux-agents.runtime-id',
  agentId: 'tmux-agents.agent-id',
  sessionName: 'tmux-agents.session-name',
  provider: 'tmux-agents.ai-provider',
  createdAt: 'tmux-agents.created-at',
} as const;
