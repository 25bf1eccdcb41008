// Every built-in runtime type, as one table. Each import is light: the heavy clients
// (ssh2, dockerode, client-node) load on first use.
import { dockerRuntimeFactory } from './docker/dockerFactory';
import { k8sRuntimeFactory } from './k8s';
import { registerRuntimeFactory } from './runtimeFactories';
import { sshRuntimeFactory } from './ssh/sshFactory';

const BUILTIN = [sshRuntimeFactory, dockerRuntimeFactory, k8sRuntimeFactory];

let done = false;
export function registerAllRuntimeTypes(): void {
  if (done) return;
  done = true;
  for (const f of BUILTIN) registerRuntimeFactory(f);
}
