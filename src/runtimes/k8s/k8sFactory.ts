// A `tmuxAgents.runtimes` entry of type "k8s" to a K8sRuntime. Every field is checked for
// its type here (settings are user-edited JSON); values are checked by the runtime itself.
import { TmuxAgentsError } from '../../core/errors';
import { num, str, type RuntimeFactory, type RuntimeSpec } from '../runtimeFactories';
import { K8sRuntime } from './k8sRuntime';
import type { ImagePullPolicy } from './k8sRuntimeOptions';

function wrongType(spec: RuntimeSpec, key: string, what: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', `Runtime "${spec.id}": "${key}" must be ${what}.`);
}

function strOrNum(spec: RuntimeSpec, key: string): string | number | undefined {
  const v = spec[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw wrongType(spec, key, 'a quantity string such as "4Gi" or a number');
}

function bool(spec: RuntimeSpec, key: string): boolean | undefined {
  const v = spec[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw wrongType(spec, key, 'true or false');
  return v;
}

function strings(spec: RuntimeSpec, key: string): string[] | undefined {
  const v = spec[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw wrongType(spec, key, 'a list of strings');
  return v as string[];
}

function stringMap(spec: RuntimeSpec, key: string): Record<string, string> | undefined {
  const v = spec[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw wrongType(spec, key, 'an object of strings');
  return v as Record<string, string>;
}

export const k8sRuntimeFactory: RuntimeFactory = {
  type: 'k8s',
  create: (spec, ctx) =>
    new K8sRuntime({
      id: spec.id,
      label: spec.label,
      context: str(spec, 'context'),
      kubeconfigPath: str(spec, 'kubeconfigPath'),
      namespace: str(spec, 'namespace'),
      image: str(spec, 'image'),
      imagePullPolicy: str(spec, 'imagePullPolicy') as ImagePullPolicy | undefined,
      defaultMemory: strOrNum(spec, 'defaultMemory'),
      defaultCpus: strOrNum(spec, 'defaultCpus'),
      storageClassName: str(spec, 'storageClassName'),
      volumeSize: str(spec, 'volumeSize'),
      keepVolume: bool(spec, 'keepVolume'),
      imagePullSecrets: strings(spec, 'imagePullSecrets'),
      nodeSelector: stringMap(spec, 'nodeSelector'),
      serviceAccountName: str(spec, 'serviceAccountName'),
      podStartTimeoutMs: num(spec, 'podStartTimeoutMs'),
      providers: ctx.providers,
      logger: ctx.logger,
      readyTimeoutMs: ctx.readyTimeoutMs,
    }),
};
