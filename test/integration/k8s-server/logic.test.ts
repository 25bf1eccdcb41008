// The server's pure rules, without Docker: selectors, quantities, quota admission, the
// exec status channel and the Docker stream demultiplexer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DockerDemuxer } from '../../k8s-server/docker/demux.ts';
import { buildCreateOptions, runAsNonRootError } from '../../k8s-server/docker/createOptions.ts';
import { outcomeMessage, pickProtocol } from '../../k8s-server/exec/channels.ts';
import { formatBytes, parseQuantity } from '../../k8s-server/quantity.ts';
import { checkQuota, type ResourceQuota } from '../../k8s-server/quota.ts';
import { parseFieldSelector, parseLabelSelector } from '../../k8s-server/selectors.ts';
import { ApiError } from '../../k8s-server/status.ts';
import type { Pod } from '../../k8s-server/types.ts';
import { labelErrors } from '../../k8s-server/validation.ts';

const obj = (labels: Record<string, string>, name = 'x') => ({ metadata: { name, labels } });

test('label selectors: equality, inequality, existence, set membership', () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['app=x', { app: 'x' }, true],
    ['app==x', { app: 'y' }, false],
    ['app!=x', {}, true],
    ['app!=x', { app: 'x' }, false],
    ['app', { app: '' }, true],
    ['!app', { app: 'x' }, false],
    ['app in (x, y),tier', { app: 'y', tier: 'a' }, true],
    ['app in (x,y),tier', { app: 'y' }, false],
    ['app notin (x,y)', { app: 'z' }, true],
    ['example.com/role=agent', { 'example.com/role': 'agent' }, true],
  ];
  for (const [selector, labels, expected] of cases) assert.equal(parseLabelSelector(selector)(obj(labels)), expected, selector);
  assert.throws(() => parseLabelSelector('app=(x'), (e: ApiError) => e.code === 400);
});

test('field selectors: supported paths only', () => {
  const match = parseFieldSelector('metadata.name=a,status.phase!=Failed', ['metadata.name', 'status.phase']);
  assert.equal(match({ metadata: { name: 'a' }, status: { phase: 'Running' } }), true);
  assert.equal(match({ metadata: { name: 'a' }, status: { phase: 'Failed' } }), false);
  assert.throws(() => parseFieldSelector('spec.foo=1', ['metadata.name']), (e: ApiError) => e.status.message === 'field label not supported: spec.foo');
});

test('quantities parse and print like the API server', () => {
  assert.equal(parseQuantity('512Mi'), 512 * 2 ** 20);
  assert.equal(parseQuantity('1.5'), 1.5);
  assert.equal(parseQuantity('250m'), 0.25);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('2G'), 2e9);
  assert.equal(parseQuantity('12abc'), undefined);
  assert.equal(formatBytes(1536 * 2 ** 20), '1536Mi');
  assert.equal(formatBytes(2 ** 30), '1Gi');
});

function pod(name: string, limits?: Record<string, string>): Pod {
  return { metadata: { name, namespace: 'ns' }, spec: { containers: [{ name: 'c', image: 'i', resources: limits ? { limits, requests: limits } : {} }] }, status: { phase: 'Running' } };
}

test('quota admission: exceeded and must-specify messages', () => {
  const quota: ResourceQuota = { metadata: { name: 'q' }, spec: { hard: { 'limits.cpu': '1', pods: '2' } }, status: { hard: {}, used: {} } };
  assert.equal(checkQuota(pod('a', { cpu: '500m' }), [quota], []), undefined);
  const over = checkQuota(pod('b', { cpu: '750m' }), [quota], [pod('a', { cpu: '500m' })]);
  assert.equal(over?.status.message, 'pods "b" is forbidden: exceeded quota: q, requested: limits.cpu=750m, used: limits.cpu=500m, limited: limits.cpu=1');
  const missing = checkQuota(pod('c'), [quota], []);
  assert.equal(missing?.status.message, 'pods "c" is forbidden: failed quota: q: must specify limits.cpu for: c');
  const finished = { ...pod('d', { cpu: '1' }), status: { phase: 'Succeeded' as const } };
  assert.equal(checkQuota(pod('e', { cpu: '1' }), [quota], [finished]), undefined, 'terminal pods do not count');
});

test('label validation follows the real rules', () => {
  assert.deepEqual(labelErrors({ 'app.kubernetes.io/name': 'x-1.y_z', a: '' }), []);
  assert.equal(labelErrors({ 'a/b/c': 'v' }).length > 0, true);
  assert.equal(labelErrors({ k: '-bad' })[0].detail.startsWith('Invalid value: "-bad": a valid label must be an empty string'), true);
  assert.equal(labelErrors({ k: 'x'.repeat(64) })[0].detail.endsWith('must be no more than 63 characters'), true);
});

test('exec channel: protocol choice and status messages', () => {
  assert.equal(pickProtocol(['v5.channel.k8s.io']), 'v5.channel.k8s.io');
  assert.equal(pickProtocol(['v4.channel.k8s.io', 'channel.k8s.io']), 'v4.channel.k8s.io');
  assert.equal(pickProtocol(['base64.channel.k8s.io']), undefined);
  assert.deepEqual(JSON.parse(outcomeMessage('v5.channel.k8s.io', ['sh'], { exitCode: 0 })!.toString()), { metadata: {}, status: 'Success' });
  const failed = JSON.parse(outcomeMessage('v4.channel.k8s.io', ['sh', '-c', 'exit 3'], { exitCode: 3 })!.toString()) as { reason: string; details: unknown };
  assert.equal(failed.reason, 'NonZeroExitCode');
  assert.deepEqual(failed.details, { causes: [{ reason: 'ExitCode', message: '3' }] });
  assert.equal(outcomeMessage('channel.k8s.io', ['x'], { exitCode: 0 }), undefined);
});

test('docker stream demultiplexing copes with frames split anywhere', () => {
  const frameOf = (type: number, text: string): Buffer => {
    const payload = Buffer.from(text);
    const h = Buffer.alloc(8);
    h[0] = type;
    h.writeUInt32BE(payload.length, 4);
    return Buffer.concat([h, payload]);
  };
  const whole = Buffer.concat([frameOf(1, 'out€'), frameOf(2, 'err'), frameOf(1, 'more')]);
  const got: string[] = [];
  const demux = new DockerDemuxer((s, p) => got.push(`${s}:${p.toString()}`));
  for (let i = 0; i < whole.length; i += 3) demux.push(whole.subarray(i, i + 3));
  assert.deepEqual(got, ['1:out€', '2:err', '1:more']);
  assert.equal(demux.leftover, 0);
});

test('pod to container mapping and runAsNonRoot decisions', () => {
  const p: Pod = {
    metadata: { name: 'p', namespace: 'n', uid: 'u' },
    spec: {
      restartPolicy: 'Never',
      securityContext: { runAsUser: 1000, fsGroup: 5 },
      containers: [{ name: 'c', image: 'img', args: ['a'], resources: { limits: { cpu: '250m', memory: '1Gi' } }, securityContext: { capabilities: { drop: ['ALL'] } } }],
    },
  };
  const opts = buildCreateOptions({ pod: p, container: p.spec.containers[0], labels: {}, dockerName: 'd', volumes: new Map() });
  assert.equal(opts.User, '1000');
  assert.deepEqual(opts.Cmd, ['a']);
  assert.equal(opts.Entrypoint, undefined);
  assert.equal(opts.HostConfig?.NanoCpus, 250_000_000);
  assert.equal(opts.HostConfig?.Memory, 2 ** 30);
  assert.deepEqual(opts.HostConfig?.RestartPolicy, { Name: 'no' });
  assert.deepEqual(opts.HostConfig?.GroupAdd, ['5']);
  const nonRoot = (user: string, sc: Pod['spec']['securityContext']) =>
    runAsNonRootError({ ...p, spec: { ...p.spec, securityContext: sc } }, { name: 'c' }, user);
  assert.equal(nonRoot('', { runAsNonRoot: true, runAsUser: 1000 }), undefined);
  assert.match(nonRoot('', { runAsNonRoot: true }) ?? '', /^container has runAsNonRoot and image will run as root/);
  assert.match(nonRoot('agent', { runAsNonRoot: true }) ?? '', /image has non-numeric user \(agent\)/);
  assert.equal(nonRoot('1000:1000', { runAsNonRoot: true }), undefined);
});
