// The kubeconfig a client uses to reach this server: one cluster (with the CA inline),
// one token user, one context that is also current-context. Written as JSON, which is
// valid YAML, so kubectl and client-node both read it without a YAML writer here.
import { writeFile } from 'node:fs/promises';

export interface KubeconfigInput {
  path: string;
  server: string;
  caCert: Buffer;
  token: string;
  contextName: string;
  namespace?: string;
}

export async function writeKubeconfig(input: KubeconfigInput): Promise<void> {
  const cluster = `${input.contextName}-cluster`;
  const user = `${input.contextName}-user`;
  const context: Record<string, string> = { cluster, user };
  if (input.namespace) context.namespace = input.namespace;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: cluster, cluster: { server: input.server, 'certificate-authority-data': input.caCert.toString('base64') } }],
    users: [{ name: user, user: { token: input.token } }],
    contexts: [{ name: input.contextName, context }],
    'current-context': input.contextName,
  };
  // 0600: it holds a bearer token, like any real kubeconfig.
  await writeFile(input.path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
