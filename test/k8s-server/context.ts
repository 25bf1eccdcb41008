// Everything a request handler needs, built once by startK8sTestServer.
import type Docker from 'dockerode';
import type { DockerKubelet } from './docker/kubelet.ts';
import type { VolumeManager } from './docker/volumes.ts';
import type { EventRecorder } from './events.ts';
import type { ObjectStore } from './store.ts';
import type { Logger } from './types.ts';
import type { WatchRegistry } from './watch.ts';

/** Knobs a test flips at run time to drive the runtime's error paths. */
export interface ServerSettings {
  namespaceCreateForbidden: boolean;
  /** The user name RBAC-style messages name, as a real cluster names the caller. */
  userName: string;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  /** For exec upgrades: the subprotocols the client offered and the one chosen. */
  offeredProtocols?: string[];
  protocol?: string;
  userAgent?: string;
}

export interface ServerContext {
  store: ObjectStore;
  docker: Docker;
  kubelet: DockerKubelet;
  volumes: VolumeManager;
  events: EventRecorder;
  watches: WatchRegistry;
  settings: ServerSettings;
  nodeName: string;
  log: Logger;
  requests: RequestRecord[];
}
