// pods/log: the container's output as text (stdout and stderr interleaved as written),
// with tailLines, timestamps, sinceSeconds, limitBytes and follow.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { ServerContext } from '../context.ts';
import { DockerDemuxer } from '../docker/demux.ts';
import { queryFlag, queryInt } from '../http.ts';
import { badRequest, notFound } from '../status.ts';
import type { Pod } from '../types.ts';

/** Picks the container the way the API server does, with its error messages. */
export function resolveContainer(pod: Pod, requested: string | null): string {
  const names = pod.spec.containers.map((c) => c.name);
  if (!requested) {
    const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
    if (names.length === 1) return names[0];
    if (annotated && names.includes(annotated)) return annotated;
    throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`);
  }
  if (!names.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  return requested;
}

export async function podLogs(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: URLSearchParams): Promise<void> {
  const pod = ctx.store.get<Pod>('pods', namespace, name);
  if (!pod) throw notFound('pods', name);
  const containerName = resolveContainer(pod, query.get('container'));
  const record = ctx.kubelet.container(namespace, name, containerName);
  if (queryFlag(query, 'previous')) throw badRequest(`previous terminated container "${containerName}" in pod "${name}" not found`);
  if (!record?.id) {
    const reason = record?.waiting?.reason ?? 'ContainerCreating';
    throw badRequest(`container "${containerName}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const tailLines = queryInt(query, 'tailLines');
  const sinceSeconds = queryInt(query, 'sinceSeconds');
  const limitBytes = queryInt(query, 'limitBytes');
  const follow = queryFlag(query, 'follow');
  const container = ctx.docker.getContainer(record.id);
  const info = await container.inspect();
  const base = {
    stdout: true as const,
    stderr: true as const,
    timestamps: queryFlag(query, 'timestamps'),
    since: sinceSeconds === undefined ? 0 : Math.floor(Date.now() / 1000) - sinceSeconds,
    ...(tailLines === undefined ? {} : { tail: Math.max(0, tailLines) }),
  };

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  if (follow) res.flushHeaders();
  let remaining = limitBytes ?? Infinity;
  const emit = (payload: Buffer): void => {
    if (remaining <= 0) return;
    const piece = payload.length > remaining ? payload.subarray(0, remaining) : payload;
    remaining -= piece.length;
    res.write(piece);
  };
  // A TTY container's log is raw; otherwise Docker multiplexes stdout and stderr.
  const demux = info.Config.Tty ? undefined : new DockerDemuxer((_stream, payload) => emit(payload));
  const feed = (chunk: Buffer): void => (demux ? demux.push(chunk) : emit(chunk));

  if (!follow) {
    feed(await container.logs({ ...base, follow: false }));
    res.end();
    return;
  }
  const stream = (await container.logs({ ...base, follow: true })) as Readable;
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      stream.destroy();
      if (!res.writableEnded) res.end();
      resolve();
    };
    stream.on('data', (chunk: Buffer) => {
      feed(chunk);
      if (remaining <= 0) finish(); // limitBytes reached
    });
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', (err) => {
      ctx.log(`log stream of ${namespace}/${name}: ${err.message}`);
      finish();
    });
    // The client went away: stop reading from Docker.
    req.on('close', finish);
  });
}
