// The exec channel protocols below what kubectl and client-node pick by default (v4 and
// the original channel.k8s.io), spoken by a raw WebSocket client, and refused upgrades
// answered with a Status body the runtime can show.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { WebSocket } from 'ws';
import { startK8sTestServer, type K8sTestServer } from '../../k8s-server/index.ts';
import { kubectlOk, leftovers, tmuxPod, waitFor } from './helpers.ts';

const T = { timeout: 60_000 };
let server: K8sTestServer;
const NS = 'default';

before(async () => {
  server = await startK8sTestServer();
  await kubectlOk(server.kubeconfigPath, ['create', '--validate=false', '-f', '-'], JSON.stringify(tmuxPod('proto')));
  await waitFor('proto Running', async () =>
    (await kubectlOk(server.kubeconfigPath, ['get', 'pod', 'proto', '-o', 'jsonpath={.status.phase}'])) === 'Running' ? true : undefined,
  );
});

after(async () => {
  await server?.stop();
  assert.deepEqual(await leftovers(server.dockerLabelFilter), { containers: [], volumes: [] });
});

function execUrl(pod: string, command: string[], flags: Record<string, boolean>): string {
  const q = new URLSearchParams();
  for (const c of command) q.append('command', c);
  for (const [k, v] of Object.entries(flags)) if (v) q.set(k, 'true');
  return `${server.url.replace('https:', 'wss:')}/api/v1/namespaces/${NS}/pods/${pod}/exec?${q}`;
}

interface Session {
  protocol: string;
  frames: { channel: number; data: Buffer }[];
  closeCode: number;
}

/** Connects, sends `input` frames once open, and collects every frame until the close. */
function session(url: string, protocols: string[], input: Buffer[] = []): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { ca: readFileSync(server.caCertPath), headers: { Authorization: `Bearer ${server.token}` } });
    const frames: Session['frames'] = [];
    ws.on('open', () => input.forEach((f) => ws.send(f)));
    ws.on('message', (data: Buffer) => frames.push({ channel: data[0], data: data.subarray(1) }));
    ws.on('close', (code) => resolve({ protocol: ws.protocol, frames, closeCode: code }));
    ws.on('error', reject);
  });
}

const text = (s: Session, channel: number): string =>
  Buffer.concat(s.frames.filter((f) => f.channel === channel).map((f) => f.data)).toString('utf8');

test('v4: output, then a JSON Status with the exit code, then a normal close', T, async () => {
  const s = await session(execUrl('proto', ['sh', '-c', 'printf hi; printf oops >&2; exit 5'], { stdout: true, stderr: true }), ['v4.channel.k8s.io']);
  assert.equal(s.protocol, 'v4.channel.k8s.io');
  assert.equal(s.closeCode, 1000);
  assert.deepEqual(s.frames[0], { channel: 1, data: Buffer.alloc(0) }, 'the empty first frame announces the streams');
  assert.equal(text(s, 1), 'hi');
  assert.equal(text(s, 2), 'oops');
  const status = JSON.parse(text(s, 3)) as { status: string; reason: string; details: { causes: unknown[] } };
  assert.equal(status.status, 'Failure');
  assert.equal(status.reason, 'NonZeroExitCode');
  assert.deepEqual(status.details.causes, [{ reason: 'ExitCode', message: '5' }]);
  assert.equal(s.frames.at(-1)?.channel, 3, 'the status is the last frame');
});

test('v4: stdin without a close frame; the command bounds its own input', T, async () => {
  const payload = Buffer.from('exactly-20-bytes-ok\n');
  const s = await session(execUrl('proto', ['head', '-c', String(payload.length)], { stdin: true, stdout: true }), ['v4.channel.k8s.io'], [
    Buffer.concat([Buffer.from([0]), payload]),
  ]);
  assert.equal(text(s, 1), payload.toString());
  assert.deepEqual(JSON.parse(text(s, 3)), { metadata: {}, status: 'Success' });
});

test('v5: the close frame ends stdin', T, async () => {
  const s = await session(execUrl('proto', ['wc', '-c'], { stdin: true, stdout: true }), ['v5.channel.k8s.io', 'v4.channel.k8s.io'], [
    Buffer.concat([Buffer.from([0]), Buffer.from('12345')]),
    Buffer.from([255, 0]),
  ]);
  assert.equal(s.protocol, 'v5.channel.k8s.io');
  assert.equal(text(s, 1).trim(), '5');
});

test('channel.k8s.io: a failure is reported as text only', T, async () => {
  const ok = await session(execUrl('proto', ['true'], { stdout: true }), ['channel.k8s.io']);
  assert.equal(ok.protocol, 'channel.k8s.io');
  assert.equal(text(ok, 3), '');
  const failed = await session(execUrl('proto', ['sh', '-c', 'exit 2'], { stdout: true }), ['channel.k8s.io']);
  assert.equal(text(failed, 3), 'command terminated with non-zero exit code: error executing command [sh -c exit 2], exit code 2');
});

test('refused upgrades carry a Status: unknown pod, bad container, no token', T, async () => {
  const refusal = (url: string, headers: Record<string, string>): Promise<{ code: number; body: { reason?: string; message?: string } }> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['v5.channel.k8s.io'], { ca: readFileSync(server.caCertPath), headers });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(body) as { reason?: string; message?: string } }));
      });
      ws.on('open', () => reject(new Error('upgrade unexpectedly accepted')));
      ws.on('error', () => undefined); // the refusal itself; the body is what matters
    });
  const auth = { Authorization: `Bearer ${server.token}` };
  const missing = await refusal(execUrl('ghost', ['true'], { stdout: true }), auth);
  assert.deepEqual([missing.code, missing.body.reason, missing.body.message], [404, 'NotFound', 'pods "ghost" not found']);
  const badContainer = await refusal(`${execUrl('proto', ['true'], { stdout: true })}&container=nope`, auth);
  assert.deepEqual([badContainer.code, badContainer.body.message], [400, 'container nope is not valid for pod proto']);
  const noStreams = await refusal(execUrl('proto', ['true'], {}), auth);
  assert.deepEqual([noStreams.code, noStreams.body.message], [400, 'you must specify at least 1 of stdin, stdout, stderr']);
  const noToken = await refusal(execUrl('proto', ['true'], { stdout: true }), {});
  assert.deepEqual([noToken.code, noToken.body.reason], [401, 'Unauthorized']);
});
