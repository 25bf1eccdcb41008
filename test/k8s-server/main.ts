// Runs the test API server until SIGINT/SIGTERM, for poking at it by hand:
//   node --import tsx test/k8s-server/main.ts [--context NAME] [--namespace NS]
//   kubectl --kubeconfig <printed path> get pods
// On a signal it stops, removing every container and volume it created.
import { parseArgs } from 'node:util';
import { startK8sTestServer } from './index.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      context: { type: 'string' },
      namespace: { type: 'string', multiple: true },
    },
  });
  const server = await startK8sTestServer({ contextName: values.context, namespaces: values.namespace });
  process.stdout.write(`url: ${server.url}\nkubeconfig: ${server.kubeconfigPath}\ncontext: ${server.contextName}\ninstance: ${server.instanceId}\n`);
  process.stdout.write(`try: kubectl --kubeconfig ${server.kubeconfigPath} get ns\n`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping, removing containers and volumes\n`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`stop failed: ${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
