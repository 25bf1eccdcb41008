// The agents' namespace: used when it exists, created when missing if the user may, and a
// clear error when they may not. Never deleted by the runtime: it is shared (other agents,
// quotas, RBAC an admin set up), like the Docker runtime's network.
import { TmuxAgentsError } from '../../core/errors';
import { whereOf, type K8sClients } from './k8sClient';
import { apiStatusOf, httpStatusOf, k8sApiError } from './k8sErrors';
import { LABEL } from './labels';

export async function ensureNamespace(c: K8sClients, namespace: string): Promise<'exists' | 'created'> {
  const w = whereOf(c, namespace);
  try {
    await c.core.readNamespace({ name: namespace });
    return 'exists';
  } catch (e) {
    const http = httpStatusOf(e);
    // Many users may create pods in a namespace but not read namespaces (cluster scope):
    // go ahead; creating the pod says clearly if the namespace is really missing.
    if (http === 403) return 'exists';
    if (http !== 404) throw k8sApiError(e, `Reading namespace ${namespace}`, { ...w, clusterScoped: true });
  }
  try {
    await c.core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { [LABEL.marker]: 'true' } } } });
    return 'created';
  } catch (e) {
    const http = httpStatusOf(e);
    if (http === 409) return 'exists'; // created meanwhile (another spawn): fine
    if (http === 403) {
      throw new TmuxAgentsError(
        'forbidden',
        `Namespace ${namespace} does not exist in context "${w.context}", and your account may not create it: ${apiStatusOf(e)?.message ?? 'Forbidden'}.`,
        `Ask a cluster admin to create it ("kubectl${w.context ? ` --context ${w.context}` : ''} create namespace ${namespace}") and let you create pods and pods/exec there, or set the runtime's namespace to one you can use.`,
        { cause: e },
      );
    }
    throw k8sApiError(e, `Creating namespace ${namespace}`, { ...w, clusterScoped: true });
  }
}
