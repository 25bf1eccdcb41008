import { TmuxAgentsError } from '../core/errors';
import type { AgentHandle, AgentInfo, AgentRuntime, AttachCommand } from '../core/types';
import type { TmuxService } from '../tmux/tmuxService';

/** Stands in for a runtime whose settings are wrong, so the tree can say why. */
export class UnavailableRuntime implements AgentRuntime {
  constructor(
    readonly id: string,
    readonly type: string,
    readonly label: string,
    private readonly reason: string,
  ) {}

  private fail(): never {
    throw new TmuxAgentsError('invalid-input', this.reason, 'Fix this entry in the tmuxAgents.runtimes setting.');
  }
  async spawnAgent(): Promise<AgentHandle> {
    this.fail();
  }
  async killAgent(): Promise<void> {
    this.fail();
  }
  async listAgents(): Promise<AgentInfo[]> {
    this.fail();
  }
  getTmux(): TmuxService {
    this.fail();
  }
  getAttachCommand(): AttachCommand {
    this.fail();
  }
  async ping(): Promise<void> {
    this.fail();
  }
}
