// A `tmuxAgents.runtimes` entry of type "k8s" to a K8sRuntime. Every field is checked for
// its type here (settings are user-edited JSON); values are checked by the runtime itself.
import type { RuntimeFactory } from '../runtimeFactories';
import { bool, num, str, strOrNum, stringMap, strings } from '../runtimeSpecFields';
import { K8sRuntime } from './k8sRuntime';
import type { ImagePullPolicy } from './k8sRuntimeOptions';

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
