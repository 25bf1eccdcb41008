// The Kubernetes failures users meet, as errors that say what failed, where (context,
// namespace, pod) and what to do, with the API server's own reason and message.
import { TmuxAgentsError, errorMessage, type ErrorCode } from '../../core/errors';

/** Where a call went: for messages and kubectl hints. */
export interface K8sWhere {
  context: string;
  server: string;
  /** The runtime's namespace (kubectl hints use it). */
  namespace: string;
  /** The call is about the namespace object itself, not something in it. */
  clusterScoped?: boolean;
}

function nsFlag(w: K8sWhere): string {
  return w.namespace ? ` -n ${w.namespace}` : '';
}

/** The `Status` object the API server sends with every failure. */
export interface ApiStatus {
  code?: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET',
  'EPIPE', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET',
]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|EPROTO/;

function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | undefined)?.code;
  return typeof c === 'string' ? c : undefined;
}

/** HTTP status of a failed API call (client-node's ApiException, a refused exec upgrade), if the server answered. */
export function httpStatusOf(e: unknown): number | undefined {
  const x = e as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof x?.statusCode === 'number') return x.statusCode;
  if (typeof x?.code === 'number') return x.code;
  return undefined;
}

/** The Status in an ApiException's body (a JSON string or an already-parsed object). */
export function apiStatusOf(e: unknown): ApiStatus | undefined {
  const body = (e as { body?: unknown } | undefined)?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() ? { message: body.trim().slice(0, 500) } : undefined;
    }
  }
  if (parsed && typeof parsed === 'object' && ('message' in parsed || 'reason' in parsed)) return parsed as ApiStatus;
  return undefined;
}

export function isConnectionError(e: unknown): boolean {
  if (httpStatusOf(e) !== undefined) return false;
  const code = codeOf(e) ?? codeOf((e as { cause?: unknown } | undefined)?.cause);
  if (code && (CONNECTION_CODES.has(code) || TLS_CODES.test(code))) return true;
  return (e as { type?: unknown } | undefined)?.type === 'system';
}

function kubectlHint(w: K8sWhere, args: string): string {
  return `kubectl${w.context ? ` --context ${w.context}` : ''} ${args}`;
}

export function clusterUnreachable(w: K8sWhere, cause: unknown): TmuxAgentsError {
  const code = codeOf(cause) ?? codeOf((cause as { cause?: unknown } | undefined)?.cause) ?? '';
  const tls = TLS_CODES.test(code);
  const why = errorMessage(cause).replace(/^request to \S+ failed, reason: /, '');
  return new TmuxAgentsError(
    'runtime-unreachable',
    `The Kubernetes API server ${w.server} (context "${w.context}") is not reachable: ${why}.`,
    tls
      ? 'Its TLS certificate is not trusted: check the certificate-authority of the cluster in your kubeconfig (behind a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS).'
      : `Is the cluster running and reachable from this machine (VPN, proxy)? Check with "${kubectlHint(w, `get pods${nsFlag(w)}`)}".`,
    { cause },
  );
}

function statusText(s: ApiStatus | undefined, http: number | undefined): string {
  const reason = s?.reason ? `${s.reason}` : http ? `HTTP ${http}` : 'error';
  return s?.message ? `${reason}: ${s.message}` : reason;
}

/** A quota refusal ("exceeded quota", "failed quota: must specify ...") among 403s. */
export function isQuotaRefusal(s: ApiStatus | undefined): boolean {
  return /exceeded quota|failed quota/i.test(s?.message ?? '');
}

/**
 * Any failed API call as the error users see. `what` says which call ("Creating pod x"),
 * `code` is used for answers not mapped to a more specific code.
 */
export function k8sApiError(e: unknown, what: string, w: K8sWhere, code: ErrorCode = 'spawn-failed'): TmuxAgentsError {
  if (e instanceof TmuxAgentsError) return e;
  if (isConnectionError(e)) return clusterUnreachable(w, e);
  const http = httpStatusOf(e);
  const s = apiStatusOf(e);
  const where = w.clusterScoped ? `(context "${w.context}")` : `in namespace ${w.namespace} (context "${w.context}")`;
  if (http === 401) {
    return new TmuxAgentsError('auth-failed', `${what} ${where} failed: the API server rejected the credentials (401 Unauthorized).`, `Log in to the cluster again (e.g. refresh your cloud CLI login) and check with "${kubectlHint(w, 'auth whoami')}".`, { cause: e });
  }
  if (http === 403 && isQuotaRefusal(s)) {
    return new TmuxAgentsError('forbidden', `${what} ${where} was refused by a resource quota: ${s?.message}.`, `Free resources (kill other agents), lower the agent's memory/CPU, or ask for a larger quota ("${kubectlHint(w, `describe resourcequota${nsFlag(w)}`)}").`, { cause: e });
  }
  if (http === 403) {
    return new TmuxAgentsError('forbidden', `${what} ${where} was refused: ${statusText(s, http)}.`, `Your account lacks the permission; ask a cluster admin for it (check with "${kubectlHint(w, `auth can-i --list${nsFlag(w)}`)}").`, { cause: e });
  }
  if (http === 422 || http === 400) {
    return new TmuxAgentsError('invalid-input', `${what} ${where} was rejected as invalid: ${statusText(s, http)}.`, undefined, { cause: e });
  }
  return new TmuxAgentsError(code, `${what} ${where} failed: ${statusText(s, http)}${http && s?.reason ? ` (HTTP ${http})` : ''}.`, undefined, { cause: e });
}

export interface PodStartFailure {
  pod: string;
  namespace: string;
  context: string;
  /** Why the pod did not run (from its status), or that the wait timed out. */
  reason: string;
  timedOut: boolean;
  imageProblem: boolean;
  image: string;
  /** Formatted event lines, oldest first. */
  events: readonly string[];
  logTail: string;
}

/** A pod that never ran: its events and last log lines, so the user need not go looking. */
export function podNeverRan(f: PodStartFailure): TmuxAgentsError {
  const events = f.events.length ? `Its events:\n${f.events.join('\n')}` : 'It has no events.';
  const logs = f.logTail.trim() ? `Last lines of its log:\n${f.logTail.trimEnd()}` : 'Its log is empty.';
  const head = f.timedOut ? `Pod ${f.pod} in namespace ${f.namespace} (context "${f.context}") did not start running in time: ${f.reason}.` : `Pod ${f.pod} in namespace ${f.namespace} (context "${f.context}") cannot run: ${f.reason}.`;
  const code: ErrorCode = f.imageProblem ? 'image-not-found' : f.timedOut ? 'timeout' : 'spawn-failed';
  const hint = f.imageProblem
    ? `Make the image ${f.image} pullable by the cluster's nodes (push it to a registry they can reach and set imagePullSecrets if it is private), or set the runtime's image. The pod was deleted; the events above are its own.`
    : `The pod was deleted so nothing is left behind; the events and log above are its own. To investigate, run "kubectl --context ${f.context} -n ${f.namespace} get events".`;
  return new TmuxAgentsError(code, `${head}\n${events}\n${logs}`, hint);
}

/** A refused exec upgrade (the API server answered the WebSocket handshake with a Status). */
export class ExecUpgradeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: ApiStatus | string | undefined,
  ) {
    const s = typeof body === 'string' ? { message: body } : body;
    super(`exec refused with HTTP ${statusCode}${s?.message ? `: ${s.message}` : ''}`);
    this.name = 'ExecUpgradeError';
  }
}
