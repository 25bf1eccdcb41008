// Built-in runtime types as one declarative table: settings entry in, runtime out. Heavy
// clients (dockerode, ssh2, client-node) load lazily inside the runtimes, not here.
import { TmuxAgentsError, errorMessage } from '../core/errors';
import { str, type RuntimeSpec } from './runtimeSpecFields';
import { validateRuntimeId } from '../core/ids';
import type { Logger } from '../core/log';
import type { ProviderCatalog } from '../core/providers';
import type { AgentRuntime } from '../core/types';
import { LocalRuntime } from './local/localRuntime';
import { UnavailableRuntime } from './unavailableRuntime';

export type { RuntimeSpec } from './runtimeSpecFields';

export interface RuntimeFactoryContext {
  providers: ProviderCatalog;
  logger: Logger;
  readyTimeoutMs: number;
  /** tmux control-mode watchers for tmux-host runtimes (default on). */
  liveUpdates?: boolean;
}

export interface RuntimeFactory {
  type: string;
  create(spec: RuntimeSpec, ctx: RuntimeFactoryContext): AgentRuntime;
}

const factories = new Map<string, RuntimeFactory>();

export function registerRuntimeFactory(f: RuntimeFactory): void {
  factories.set(f.type, f);
}

registerRuntimeFactory({
  type: 'local',
  create: (spec, ctx) =>
    new LocalRuntime({
      id: spec.id,
      label: spec.label,
      socketName: str(spec, 'socketName'),
      tmuxConfigFile: str(spec, 'tmuxConfigFile'),
      providers: ctx.providers,
      readyTimeoutMs: ctx.readyTimeoutMs,
      logger: ctx.logger,
      liveUpdates: ctx.liveUpdates,
    }),
});

export function runtimeTypes(): string[] {
  return [...factories.keys()];
}

/**
 * Builds a runtime from its settings entry. A bad entry becomes an UnavailableRuntime that
 * shows the problem in the tree, instead of hiding every other runtime.
 */
export function createRuntime(spec: RuntimeSpec, ctx: RuntimeFactoryContext): AgentRuntime {
  const id = typeof spec.id === 'string' && spec.id ? spec.id : `${spec.type ?? 'runtime'}-unnamed`;
  try {
    validateRuntimeId(id);
    const f = factories.get(spec.type);
    if (!f) {
      throw new TmuxAgentsError('invalid-input', `Unknown runtime type ${JSON.stringify(spec.type)} for runtime "${id}".`, `Use one of: ${runtimeTypes().join(', ')}.`);
    }
    return f.create({ ...spec, id }, ctx);
  } catch (e) {
    ctx.logger.warn(`Runtime "${id}" from settings is unusable: ${errorMessage(e)}`);
    return new UnavailableRuntime(id.replace(/[^A-Za-z0-9._-]/g, '-') || 'invalid', String(spec.type ?? 'unknown'), spec.label ?? id, errorMessage(e));
  }
}
