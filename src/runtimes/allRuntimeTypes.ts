// Registers the factories of every built-in runtime type. Each import is light: the
// heavy clients inside load on first use.
import './runtimeFactories';

let done = false;
export function registerAllRuntimeTypes(): void {
  if (done) return;
  done = true;
  // Docker, SSH and Kubernetes factories are added here as those runtimes land.
}
