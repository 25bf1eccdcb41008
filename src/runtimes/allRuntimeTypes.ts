// Registers the factory of every built-in runtime type: one declarative table. Each import
// is light: the heavy clients (ssh2, dockerode, client-node) load on first use.
import { TmuxAgentsError } from '../core/errors';
import { registerRuntimeFactory, str, num, type RuntimeSpec } from './runtimeFactories';
import { DockerRuntime } from './docker';
import { k8sRuntimeFactory } from './k8s';
import { SshRuntime } from './ssh';

function strList(spec: RuntimeSpec, key: string): string[] | undefined {
  const v = spec[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new TmuxAgentsError('invalid-input', `Runtime "${spec.id}": "${key}" must be a list of strings.`);
  return v as string[];
}

function bool(spec: RuntimeSpec, key: string): boolean | undefined {
  const v = spec[key];
  return typeof v === 'boolean' ? v : undefined;
}

let done = false;
export function registerAllRuntimeTypes(): void {
  if (done) return;
  done = true;
  registerRuntimeFactory({
    type: 'docker',
    create: (spec, ctx) => {
      const mounts = spec.credentialMounts;
      const ca = spec.extraCaBundle;
      return new DockerRuntime({
        id: spec.id,
        label: spec.label,
        socketPath: str(spec, 'socketPath'),
        image: str(spec, 'image'),
        network: str(spec, 'network'),
        extraBinds: strList(spec, 'extraBinds'),
        defaultMemory: num(spec, 'defaultMemory'),
        defaultCpus: num(spec, 'defaultCpus'),
        credentialMounts: typeof mounts === 'boolean' ? mounts : strList(spec, 'credentialMounts'),
        extraCaBundle: ca === false ? false : str(spec, 'extraCaBundle'),
        readOnlyRootFilesystem: bool(spec, 'readOnlyRootFilesystem'),
        pidsLimit: num(spec, 'pidsLimit'),
        uid: num(spec, 'uid'),
        gid: num(spec, 'gid'),
        providers: ctx.providers,
        readyTimeoutMs: ctx.readyTimeoutMs,
        logger: ctx.logger,
      });
    },
  });
  registerRuntimeFactory(k8sRuntimeFactory);
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
