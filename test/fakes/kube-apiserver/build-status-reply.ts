/**
 * `metav1.Status` bodies exactly as apimachinery's `pkg/api/errors` builds them (REFERENCE A.2).
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusJson {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** A reply the router sends: HTTP status, JSON body and extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function statusReply(code: number, reason: string, message: string, details?: StatusDetails): Reply {
  const body: StatusJson = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
  return { status: code, body };
}

/** `NewNotFound(pods, "web-1")` → `pods "web-1" not found`, details.name set. */
export function notFound(resource: string, name: string, group = ''): Reply {
  const qualified = group ? `${resource}.${group}` : resource;
  return statusReply(404, 'NotFound', `${qualified} "${name}" not found`, {
    name,
    ...(group ? { group } : {}),
    kind: resource,
  });
}

/** What the apiserver answers for a path no handler serves (e.g. a subresource a cluster lacks): empty details. */
export function routeNotFound(): Reply {
  return statusReply(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function forbidden(resource: string, name: string, reason: string, group = ''): Reply {
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} "${name}"` : qualified;
  return statusReply(403, 'Forbidden', `${subject} is forbidden: ${reason}`, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind: resource,
  });
}

export function conflict(resource: string, name: string): Reply {
  return statusReply(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, kind: resource },
  );
}

export function badRequest(message: string): Reply {
  return statusReply(400, 'BadRequest', message);
}

export function unsupportedMediaType(supported: string[]): Reply {
  return statusReply(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')}`,
  );
}

export function unauthorized(): Reply {
  return statusReply(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): Reply {
  return statusReply(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}
