// The resources this server serves: one declarative table that discovery, routing,
// list kinds and field-selector support all read, so they cannot drift apart.
import type { KubeObject } from './types.ts';

export interface ResourceDef {
  /** Plural name as in URLs and error messages (`pods`). */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  /** Field paths accepted in `fieldSelector` (the real server indexes only a few). */
  fieldSelectors: string[];
}

const META = ['metadata.name', 'metadata.namespace'];

export const RESOURCES: readonly ResourceDef[] = [
  {
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'],
    shortNames: ['ns'],
    fieldSelectors: ['metadata.name', 'status.phase'],
  },
  {
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'],
    shortNames: ['po'],
    fieldSelectors: [...META, 'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'status.phase', 'status.podIP'],
  },
  {
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['ev'],
    fieldSelectors: [
      ...META,
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ],
  },
  {
    name: 'persistentvolumeclaims',
    singularName: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'watch'],
    shortNames: ['pvc'],
    fieldSelectors: META,
  },
  {
    name: 'resourcequotas',
    singularName: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['quota'],
    fieldSelectors: META,
  },
];

/** Subresources advertised in discovery, served by dedicated handlers. */
export const SUBRESOURCES = [
  { name: 'pods/log', kind: 'Pod', verbs: ['get'] },
  { name: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { name: 'pods/status', kind: 'Pod', verbs: ['get'] },
] as const;

export function findResource(name: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.name === name);
}

export function resourceByName(name: string): ResourceDef {
  const def = findResource(name);
  if (!def) throw new Error(`unknown resource ${name}`);
  return def;
}

/** Stored objects carry no type meta (list items have none on the wire); single objects do. */
export function withTypeMeta(def: ResourceDef, obj: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = obj;
  return { kind: def.kind, apiVersion: 'v1', ...rest };
}
