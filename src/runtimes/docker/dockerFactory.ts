// A `tmuxAgents.runtimes` entry of type "docker" to a DockerRuntime.
import type { RuntimeFactory } from '../runtimeFactories';
import { bool, boolOrStrings, num, str, strings } from '../runtimeSpecFields';
import { DockerRuntime } from './dockerRuntime';

export const dockerRuntimeFactory: RuntimeFactory = {
  type: 'docker',
  create: (spec, ctx) =>
    new DockerRuntime({
      id: spec.id,
      label: spec.label,
      socketPath: str(spec, 'socketPath'),
      image: str(spec, 'image'),
      network: str(spec, 'network'),
      extraBinds: strings(spec, 'extraBinds'),
      defaultMemory: num(spec, 'defaultMemory'),
      defaultCpus: num(spec, 'defaultCpus'),
      credentialMounts: boolOrStrings(spec, 'credentialMounts'),
      extraCaBundle: spec.extraCaBundle === false ? false : str(spec, 'extraCaBundle'),
      readOnlyRootFilesystem: bool(spec, 'readOnlyRootFilesystem'),
      pidsLimit: num(spec, 'pidsLimit'),
      uid: num(spec, 'uid'),
      gid: num(spec, 'gid'),
      providers: ctx.providers,
      readyTimeoutMs: ctx.readyTimeoutMs,
      logger: ctx.logger,
      liveUpdates: ctx.liveUpdates,
    }),
};
