// Registers the factory of every built-in runtime type: one declarative table. Each import
// is light: the heavy clients (ssh2, dockerode, client-node) load on first use.
import { registerRuntimeFactory, str, num, type RuntimeSpec } from './runtimeFactories';
import { SshRuntime } from './ssh';

function bool(spec: RuntimeSpec, key: string): boolean | undefined {
  const v = spec[key];
  return typeof v === 'boolean' ? v : undefined;
}

let done = false;
export function registerAllRuntimeTypes(): void {
  if (done) return;
  done = true;
  registerRuntimeFactory({
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
      }),
  });
}
