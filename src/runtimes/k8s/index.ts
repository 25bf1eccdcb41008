// The Kubernetes runtime's public surface, for the wiring of `tmuxAgents.runtimes` entries of
// type "k8s": `new K8sRuntime({ id, context, namespace, image, defaultMemory, ... })`.
export { K8sRuntime } from './k8sRuntime';
export { DEFAULTS as K8S_DEFAULTS, type K8sRuntimeOptions, type ImagePullPolicy } from './k8sRuntimeOptions';
export { k8sAttachArgv } from './k8sAttach';
export { k8sRuntimeFactory } from './k8sFactory';
