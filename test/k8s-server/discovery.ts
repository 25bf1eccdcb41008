// Discovery documents. kubectl and client-go first ask for aggregated discovery; a plain
// `application/json` answer makes them fall back to the legacy documents served here.
import { RESOURCES, SUBRESOURCES } from './resources.ts';

/** What `/version` reports; the minor matches the kubectl this server is checked with. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-tmux-agents-test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): unknown {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
}

export function coreV1ResourceList(): unknown {
  const resources: unknown[] = [];
  for (const r of RESOURCES) {
    const entry: Record<string, unknown> = {
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames) entry.shortNames = r.shortNames;
    if (r.name === 'pods') entry.categories = ['all'];
    resources.push(entry);
  }
  for (const s of SUBRESOURCES) {
    resources.push({ name: s.name, singularName: '', namespaced: !s.name.startsWith('namespaces/'), kind: s.kind, verbs: s.verbs });
  }
  return { kind: 'APIResourceList', groupVersion: 'v1', resources };
}
