// The terminal command that attaches to an agent's tmux session in its pod: kubectl exec
// with a TTY, against exactly the context (and kubeconfig file) the runtime uses.
export interface K8sAttachTarget {
  /** '' for in-cluster configuration: kubectl then finds the cluster itself. */
  context: string;
  /** Only when the runtime was given a kubeconfig file; otherwise kubectl reads KUBECONFIG/~/.kube/config as we did. */
  kubeconfigPath?: string;
  namespace: string;
  pod: string;
  container: string;
}

export function k8sAttachArgv(t: K8sAttachTarget, tmuxAttachArgv: readonly string[]): string[] {
  return [
    'kubectl',
    ...(t.context ? ['--context', t.context] : []),
    ...(t.kubeconfigPath ? ['--kubeconfig', t.kubeconfigPath] : []),
    '-n', t.namespace,
    'exec', '-it', t.pod,
    '-c', t.container,
    '--',
    ...tmuxAttachArgv,
  ];
}
