// A `tmuxAgents.runtimes` entry of type "ssh" to an SshRuntime.
import type { RuntimeFactory } from '../runtimeFactories';
import { bool, num, str } from '../runtimeSpecFields';
import { SshRuntime } from './sshRuntime';

export const sshRuntimeFactory: RuntimeFactory = {
  type: 'ssh',
  create: (spec, ctx) =>
    new SshRuntime({
      id: spec.id,
      label: spec.label,
      host: str(spec, 'host'),
      port: num(spec, 'port'),
      user: str(spec, 'user'),
      identityFile: str(spec, 'identityFile'),
      useAgent: bool(spec, 'useAgent'),
      alias: str(spec, 'alias'),
      knownHostsPath: str(spec, 'knownHostsPath'),
      sshConfigPath: str(spec, 'sshConfigPath'),
      socketName: str(spec, 'socketName'),
      providers: ctx.providers,
      readyTimeoutMs: ctx.readyTimeoutMs,
      logger: ctx.logger,
      liveUpdates: ctx.liveUpdates,
    }),
};
