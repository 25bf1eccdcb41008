// `Status` objects exactly as the real API server sends them for failures, plus an error
// class that carries one, so a handler can `throw` and the router answers with the code.

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): KubeStatus {
  // Key order as the real server serialises it: details before code.
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export class ApiError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
}

/** `resource` is the plural resource name, as in `pods "x" not found`. */
export function notFound(resource: string, name: string): ApiError {
  return new ApiError(failureStatus(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource }));
}

export function alreadyExists(resource: string, name: string): ApiError {
  return new ApiError(
    failureStatus(409, 'AlreadyExists', `${resource} "${name}" already exists`, { name, kind: resource }),
  );
}

export function conflict(resource: string, name: string, why: string): ApiError {
  return new ApiError(
    failureStatus(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": ${why}`, { name, kind: resource }),
  );
}

/** Admission or RBAC refusal; `name` empty gives the RBAC shape `pods is forbidden: ...`. */
export function forbidden(resource: string, name: string, why: string): ApiError {
  const subject = name ? `${resource} "${name}"` : resource;
  return new ApiError(failureStatus(403, 'Forbidden', `${subject} is forbidden: ${why}`, { name: name || undefined, kind: resource }));
}

export interface FieldError {
  field: string;
  /** The `reason` of the cause, e.g. FieldValueInvalid, FieldValueRequired. */
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueDuplicate' | 'FieldValueNotSupported' | 'FieldValueForbidden' | 'FieldValueNotFound';
  /** The message after `field: `, e.g. `Invalid value: "x": must be ...`. */
  detail: string;
}

/** 422 with the aggregate message shape `Pod "x" is invalid: [a: ..., b: ...]`. */
export function invalid(kind: string, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map((e) => `${e.field}: ${e.detail}`);
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(
    failureStatus(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
      name,
      kind,
      causes: errors.map((e) => ({ reason: e.type, message: e.detail, field: e.field })),
    }),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(failureStatus(400, 'BadRequest', message));
}

export function methodNotAllowed(): ApiError {
  return new ApiError(failureStatus(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
}

export function unauthorized(): ApiError {
  return new ApiError(failureStatus(401, 'Unauthorized', 'Unauthorized'));
}

export function gone(message: string): ApiError {
  return new ApiError(failureStatus(410, 'Expired', message));
}

export function internalError(message: string): ApiError {
  return new ApiError(
    failureStatus(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
  );
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(failureStatus(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/strategic-merge-patch+json; got ${contentType}`));
}

/** A path this server does not serve, worded as the real server words it. */
export function routeNotFound(): ApiError {
  return new ApiError(failureStatus(404, 'NotFound', 'the server could not find the requested resource', {}));
}
