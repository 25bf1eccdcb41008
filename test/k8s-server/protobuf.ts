// Just enough of the Kubernetes protobuf encoding to read a Namespace: kubectl's typed
// commands (`kubectl create namespace X`) send request bodies as protobuf, which every
// real API server accepts. Envelope: the magic "k8s\0", then a runtime.Unknown message
// (1 typeMeta {1 apiVersion, 2 kind}, 2 raw) whose raw bytes are the object itself.
import { ApiError, failureStatus } from './status.ts';
import type { KubeObject } from './types.ts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { num: number; varint?: bigint; bytes?: Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const b = buf[pos++];
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, afterKey] = readVarint(buf, pos);
    pos = afterKey;
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, next] = readVarint(buf, pos);
      out.push({ num, varint: v });
      pos = next;
    } else if (wire === 2) {
      const [len, next] = readVarint(buf, pos);
      const end = next + Number(len);
      if (end > buf.length) throw new Error('truncated field');
      out.push({ num, bytes: buf.subarray(next, end) });
      pos = end;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

function str(f: Field[], num: number): string | undefined {
  return f.find((x) => x.num === num)?.bytes?.toString('utf8');
}

function stringMap(f: Field[], num: number): Record<string, string> | undefined {
  const entries = f.filter((x) => x.num === num && x.bytes);
  if (!entries.length) return undefined;
  const map: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(e.bytes!);
    map[str(kv, 1) ?? ''] = str(kv, 2) ?? '';
  }
  return map;
}

function objectMeta(buf: Buffer): KubeObject['metadata'] {
  const f = fields(buf);
  const meta: KubeObject['metadata'] = {};
  const name = str(f, 1);
  const generateName = str(f, 2);
  const namespace = str(f, 3);
  if (name) meta.name = name;
  if (generateName) meta.generateName = generateName;
  if (namespace) meta.namespace = namespace;
  const labels = stringMap(f, 11);
  const annotations = stringMap(f, 12);
  if (labels) meta.labels = labels;
  if (annotations) meta.annotations = annotations;
  return meta;
}

function unsupported(message: string): ApiError {
  return new ApiError(failureStatus(415, 'UnsupportedMediaType', message));
}

/** Decodes a protobuf-encoded Namespace body into its JSON shape (metadata only). */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (!body.subarray(0, 4).equals(MAGIC)) throw unsupported('protobuf body without the k8s envelope');
  try {
    const unknown = fields(body.subarray(4));
    const typeMeta = fields(unknown.find((x) => x.num === 1)?.bytes ?? Buffer.alloc(0));
    const kind = str(typeMeta, 2) ?? '';
    const apiVersion = str(typeMeta, 1) ?? '';
    if (kind !== 'Namespace') throw unsupported(`this test API server decodes protobuf only for Namespace, not ${kind}; send JSON`);
    const raw = fields(unknown.find((x) => x.num === 2)?.bytes ?? Buffer.alloc(0));
    return { apiVersion, kind, metadata: objectMeta(raw.find((x) => x.num === 1)?.bytes ?? Buffer.alloc(0)) };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw unsupported(`malformed protobuf body: ${(err as Error).message}`);
  }
}
