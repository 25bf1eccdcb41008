import type { Logger } from '../../core/log';
import type { ProviderCatalog } from '../../core/providers';
import type { RuntimeManager } from '../../core/runtimeManager';
import type { AgentModel } from '../agentModel';
import type { AgentOutputDocuments } from '../agentOutputDocuments';
import type { ApiKeyStore } from '../apiKeyStore';
import type { AttachTerminals } from '../attachTerminals';
import type { RefreshManager } from '../refreshManager';

/** Everything a command needs, handed in once by activation. */
export interface CommandContext {
  manager: RuntimeManager;
  model: AgentModel;
  refresh: RefreshManager;
  terminals: AttachTerminals;
  outputs: AgentOutputDocuments;
  apiKeys: ApiKeyStore;
  providers(): ProviderCatalog;
  log: Logger;
}
