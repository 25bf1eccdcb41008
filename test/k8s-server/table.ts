// Server-side printing: kubectl asks for `as=Table` and prints the columns the server
// returns, so `kubectl get pods` looks like it does against a real cluster.
import type { ContainerStatus, KubeObject, Pod } from './types.ts';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface TableRow {
  cells: unknown[];
  object?: unknown;
}

export type IncludeObject = 'None' | 'Object' | 'Metadata';

function column(name: string, type = 'string', priority = 0, format = ''): Column {
  return { name, type, format, description: `${name} column`, priority };
}

/** kubectl's human duration: `45s`, `3m12s`, `5h`, `2d3h`, `40d`. */
export function humanAge(fromIso: string | undefined, now = Date.now()): string {
  if (!fromIso) return '<unknown>';
  const seconds = Math.floor((now - Date.parse(fromIso)) / 1000);
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return `${days}d`;
}

/** The STATUS column of `kubectl get pods`: a waiting/terminated reason beats the phase. */
export function podStatusText(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  for (const cs of pod.status?.containerStatuses ?? []) {
    if (cs.state.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state.terminated?.reason) reason = cs.state.terminated.reason;
  }
  return reason;
}

function podRow(pod: Pod): unknown[] {
  const statuses: ContainerStatus[] = pod.status?.containerStatuses ?? [];
  const ready = statuses.filter((s) => s.ready).length;
  const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
  return [
    pod.metadata.name,
    `${ready}/${pod.spec.containers.length}`,
    podStatusText(pod),
    restarts,
    humanAge(pod.metadata.creationTimestamp),
    pod.status?.podIP ?? '<none>',
    pod.spec.nodeName ?? '<none>',
    '<none>',
    '<none>',
  ];
}

function str(obj: unknown, ...path: string[]): string {
  let cur: unknown = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur === undefined || cur === null ? '' : String(cur);
}

interface Printer {
  columns: Column[];
  row: (obj: KubeObject) => unknown[];
}

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [
      column('Name', 'string', 0, 'name'),
      column('Ready'),
      column('Status'),
      column('Restarts', 'string'),
      column('Age'),
      column('IP', 'string', 1),
      column('Node', 'string', 1),
      column('Nominated Node', 'string', 1),
      column('Readiness Gates', 'string', 1),
    ],
    row: (obj) => podRow(obj as Pod),
  },
  namespaces: {
    columns: [column('Name', 'string', 0, 'name'), column('Status'), column('Age')],
    row: (obj) => [obj.metadata.name, str(obj, 'status', 'phase'), humanAge(obj.metadata.creationTimestamp)],
  },
  events: {
    columns: [column('Last Seen'), column('Type'), column('Reason'), column('Object'), column('Message')],
    row: (obj) => [
      humanAge(str(obj, 'lastTimestamp') || obj.metadata.creationTimestamp),
      str(obj, 'type'),
      str(obj, 'reason'),
      `${str(obj, 'involvedObject', 'kind').toLowerCase()}/${str(obj, 'involvedObject', 'name')}`,
      str(obj, 'message'),
    ],
  },
  persistentvolumeclaims: {
    columns: [
      column('Name', 'string', 0, 'name'),
      column('Status'),
      column('Volume'),
      column('Capacity'),
      column('Access Modes'),
      column('StorageClass'),
      column('Age'),
    ],
    row: (obj) => [
      obj.metadata.name,
      str(obj, 'status', 'phase'),
      str(obj, 'spec', 'volumeName'),
      str(obj, 'status', 'capacity', 'storage'),
      ((obj.status as { accessModes?: string[] } | undefined)?.accessModes ?? []).join(','),
      str(obj, 'spec', 'storageClassName'),
      humanAge(obj.metadata.creationTimestamp),
    ],
  },
};

const GENERIC: Printer = {
  columns: [column('Name', 'string', 0, 'name'), column('Age')],
  row: (obj) => [obj.metadata.name, humanAge(obj.metadata.creationTimestamp)],
};

function rowObject(obj: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(resource: string, objects: KubeObject[], resourceVersion: string, include: IncludeObject): unknown {
  const printer = PRINTERS[resource] ?? GENERIC;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: printer.columns,
    rows: objects.map((obj): TableRow => {
      const row: TableRow = { cells: printer.row(obj) };
      const object = rowObject(obj, include);
      if (object !== undefined) row.object = object;
      return row;
    }),
  };
}

/** True when the Accept header asks for server-side printing (`as=Table;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => /;\s*as=Table/.test(part) && /g=meta\.k8s\.io/.test(part));
}
