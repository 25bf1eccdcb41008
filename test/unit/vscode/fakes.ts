import type { PingResult, RuntimeListing } from '../../../src/core/runtimeManager';
import type { AgentInfo, AgentStatus } from '../../../src/core/types';
import { isOrphanSession, type Orphan } from '../../../src/orphans/findOrphans';

export function agent(id: string, status: AgentStatus, opts: Partial<AgentInfo> & { runtimeId?: string } = {}): AgentInfo {
  const runtimeId = opts.runtimeId ?? 'local';
  return {
    handle: { runtimeType: 'local', runtimeId, agentId: id, sessionName: `ta-${id}`, data: {} },
    status,
    provider: 'claude',
    createdAt: new Date(Date.now() - 90_000),
    ...opts,
  };
}

/** A stand-in for AgentModel: the tree and status bar only read these members. */
export class FakeModel {
  listings: RuntimeListing[] = [];
  orphans: Orphan[] = [];
  healthMap = new Map<string, PingResult>();
  private listeners = new Set<() => void>();
  onDidChange = (l: () => void) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(): void {
    for (const l of this.listeners) l();
  }
  health(id: string) {
    return this.healthMap.get(id);
  }
  get allAgents() {
    return this.listings.flatMap((l) => l.agents.filter((a) => !isOrphanSession(a)));
  }
  get listenerCount() {
    return this.listeners.size;
  }
}
