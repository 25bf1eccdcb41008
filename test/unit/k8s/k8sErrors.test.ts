import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TmuxAgentsError } from '../../../src/core/errors';
import { ExecUpgradeError, apiStatusOf, isConnectionError, k8sApiError, podNeverRan } from '../../../src/runtimes/k8s/k8sErrors';

const W = { context: 'prod', server: 'https://10.0.0.1:6443', namespace: 'agents' };

/** What client-node 1.x throws for a non-2xx answer: an ApiException with the Status as a JSON string body. */
function apiException(code: number, status: Record<string, unknown> | undefined): Error & { code: number; body: unknown } {
  return Object.assign(new Error(`HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ...\nHeaders: {"audit-id":"x"}`), {
    code,
    body: status === undefined ? undefined : JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, ...status }),
  });
}

describe('k8sApiError', () => {
  test('a quota refusal carries the API\'s own message', () => {
    const msg = 'pods "p1" is forbidden: exceeded quota: agents-quota, requested: limits.memory=4Gi, used: limits.memory=0, limited: limits.memory=1Gi';
    const e = k8sApiError(apiException(403, { reason: 'Forbidden', message: msg }), 'Creating pod p1', W);
    assert.equal(e.code, 'forbidden');
    assert.equal(e.message.split(' Free resources')[0], `Creating pod p1 in namespace agents (context "prod") was refused by a resource quota: ${msg}.`);
    assert.match(e.hint!, /kubectl --context prod describe resourcequota -n agents/);
  });

  test('RBAC refusal, unauthorized, invalid, other answers', () => {
    const rbac = k8sApiError(apiException(403, { reason: 'Forbidden', message: 'pods is forbidden: User "dev" cannot create resource "pods"' }), 'Creating pod p1', W);
    assert.equal(rbac.code, 'forbidden');
    assert.match(rbac.message, /^Creating pod p1 in namespace agents \(context "prod"\) was refused: Forbidden: pods is forbidden: User "dev" cannot create resource "pods"\./);
    assert.match(rbac.hint!, /auth can-i --list -n agents/);

    const unauth = k8sApiError(apiException(401, undefined), 'Listing pods', W);
    assert.equal(unauth.code, 'auth-failed');
    assert.match(unauth.message, /rejected the credentials \(401 Unauthorized\)/);
    assert.match(unauth.hint!, /kubectl --context prod auth whoami/);

    const bad = k8sApiError(apiException(422, { reason: 'Invalid', message: 'Pod "x" is invalid: metadata.name: Invalid value' }), 'Creating pod x', W);
    assert.equal(bad.code, 'invalid-input');
    assert.match(bad.message, /rejected as invalid: Invalid: Pod "x" is invalid/);

    const other = k8sApiError(apiException(500, { reason: 'InternalError', message: 'etcd is sad' }), 'Listing pods', W, 'runtime-unreachable');
    assert.equal(other.code, 'runtime-unreachable');
    assert.equal(other.message, 'Listing pods in namespace agents (context "prod") failed: InternalError: etcd is sad (HTTP 500).');
  });

  test('an unreachable cluster names the server and the context', () => {
    const refused = Object.assign(new Error('request to https://10.0.0.1:6443/api/v1/namespaces/agents/pods failed, reason: connect ECONNREFUSED 10.0.0.1:6443'), { type: 'system', code: 'ECONNREFUSED', errno: 'ECONNREFUSED' });
    assert.equal(isConnectionError(refused), true);
    const e = k8sApiError(refused, 'Listing pods', W);
    assert.equal(e.code, 'runtime-unreachable');
    assert.equal(e.message.split(' Is the cluster')[0], 'The Kubernetes API server https://10.0.0.1:6443 (context "prod") is not reachable: connect ECONNREFUSED 10.0.0.1:6443.');
    assert.match(e.hint!, /kubectl --context prod get pods -n agents/);

    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    assert.match(k8sApiError(tls, 'Listing pods', W).hint!, /TLS certificate is not trusted/);
  });

  test('our own errors pass through; a refused exec upgrade keeps its Status', () => {
    const own = new TmuxAgentsError('timeout', 'x');
    assert.equal(k8sApiError(own, 'y', W), own);
    const upgrade = new ExecUpgradeError(400, { kind: 'Status', reason: 'BadRequest', message: 'container not found ("agent")' } as never);
    assert.equal(apiStatusOf(upgrade)?.message, 'container not found ("agent")');
    assert.equal(isConnectionError(upgrade), false);
    assert.equal(apiStatusOf({ body: 'plain text' })?.message, 'plain text');
    assert.equal(apiStatusOf({ body: undefined }), undefined);
  });
});

describe('podNeverRan', () => {
  const base = { pod: 'p1', namespace: 'agents', context: 'prod', image: 'reg.example/agent:1', events: ['  Normal Scheduled: assigned', '  Warning Failed: Failed to pull image "reg.example/agent:1": not found'], logTail: '' };
  test('an image that cannot be pulled: image-not-found, with the events', () => {
    const e = podNeverRan({ ...base, reason: 'the image cannot be pulled (ErrImagePull: not found)', timedOut: false, imageProblem: true });
    assert.equal(e.code, 'image-not-found');
    assert.equal(
      e.message.split(' Make the image')[0],
      'Pod p1 in namespace agents (context "prod") cannot run: the image cannot be pulled (ErrImagePull: not found).\nIts events:\n  Normal Scheduled: assigned\n  Warning Failed: Failed to pull image "reg.example/agent:1": not found\nIts log is empty.',
    );
    assert.match(e.hint!, /Make the image reg\.example\/agent:1 pullable/);
  });
  test('a timeout: the last log lines too', () => {
    const e = podNeverRan({ ...base, events: [], reason: 'waiting for a node: Unschedulable (waited 180 s)', timedOut: true, imageProblem: false, logTail: 'one\ntwo\n' });
    assert.equal(e.code, 'timeout');
    assert.match(e.message, /did not start running in time: waiting for a node: Unschedulable \(waited 180 s\)\.\nIt has no events\.\nLast lines of its log:\none\ntwo/);
    assert.match(e.hint!, /kubectl --context prod -n agents get events/);
  });
});
