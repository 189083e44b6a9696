/**
 * client-node errors → DebugError. The user message is written here from the status code, reason and our
 * own context; the raw body and headers only go into `detail` (logs), never into `userMessage`.
 */
import { ApiException } from '@kubernetes/client-node';
import { DebugError } from '../core/errors.js';

export type ApiOperation =
  | 'read-pod'
  | 'list-pods'
  | 'read-namespace'
  | 'patch-ephemeral'
  | 'watch-pod'
  | 'read-log'
  | 'review-access';

export interface ApiErrorContext {
  operation: ApiOperation;
  namespace: string;
  pod?: string;
}

/** The parts of a `metav1.Status` we read. */
export interface K8sStatus {
  reason?: string;
  message?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message?: string; field?: string }>;
  };
}

const ACTIONS: Record<ApiOperation, string> = {
  'read-pod': 'read pods',
  'list-pods': 'list pods',
  'read-namespace': 'read namespaces',
  'patch-ephemeral': 'add ephemeral containers to pods (patch pods/ephemeralcontainers)',
  'watch-pod': 'watch pods',
  'read-log': 'read pod logs',
  'review-access': 'create subjectaccessreviews',
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EPIPE',
]);

function parseStatus(body: unknown): K8sStatus | undefined {
  if (typeof body === 'object' && body !== null) return body as K8sStatus;
  if (typeof body !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? (parsed as K8sStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds from a `Retry-After` header (delta-seconds form), if present and sane. */
export function retryAfterSeconds(headers: Record<string, string> | undefined): number | undefined {
  const value = Number(headers?.['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function describe(status: K8sStatus | undefined, code: number, context: ApiErrorContext): string {
  return `${context.operation} HTTP ${code} ${status?.reason ?? ''}: ${(status?.message ?? '').slice(0, 400)}`;
}

/** `violates PodSecurity "restricted:latest": a (x, y), b (z)` → level and check names. */
export function parsePodSecurityDenial(message: string): { level: string; checks: string[] } | undefined {
  const m = /violates PodSecurity "([^"]+)": (.*)$/s.exec(message);
  if (!m) return undefined;
  const checks: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of m[2]!) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      checks.push(current);
      current = '';
    } else current += ch;
  }
  checks.push(current);
  return { level: m[1]!, checks: checks.map((c) => c.replace(/\(.*$/s, '').trim()).filter(Boolean) };
}

const CAUSE_TEXT: Record<string, string> = {
  FieldValueRequired: 'is required',
  FieldValueInvalid: 'is invalid',
  FieldValueForbidden: 'is not allowed',
  FieldValueNotFound: 'refers to something that does not exist',
  FieldValueDuplicate: 'is already in use',
  FieldValueNotSupported: 'has an unsupported value',
};

function summariseCauses(status: K8sStatus | undefined): string {
  const causes = status?.details?.causes ?? [];
  const parts = causes.slice(0, 3).map((c) => {
    const field = (c.field ?? '').replace(/^spec\.ephemeralContainers\[\d+\]\.?/, '') || 'the container';
    return `${field} ${CAUSE_TEXT[c.reason ?? ''] ?? 'was rejected'}`;
  });
  return parts.length ? parts.join('; ') : 'the request was invalid';
}

/**
 * True for a 422 about a container that is already there: a Duplicate name, or "existing ephemeral
 * containers … may not be changed" (another attempt added the same name with a different nonce).
 */
function isNameConflict(status: K8sStatus | undefined): boolean {
  return (status?.details?.causes ?? []).some(
    (c) =>
      (c.reason === 'FieldValueDuplicate' && /\.name$/.test(c.field ?? '')) ||
      (c.reason === 'FieldValueForbidden' && /may not be changed/.test(c.message ?? '')),
  );
}

function fromApiException(error: ApiException<unknown>, context: ApiErrorContext): DebugError {
  const status = parseStatus(error.body);
  const code = error.code;
  const options = { cause: error, detail: describe(status, code, context) };
  const where = context.pod ? `${context.namespace}/${context.pod}` : context.namespace;
  switch (true) {
    case code === 404 && context.operation === 'patch-ephemeral' && !status?.details?.name:
      return new DebugError(
        'ephemeral_containers_disabled',
        'Ephemeral containers are not enabled on this cluster (they need Kubernetes 1.25 or later), so the bot cannot debug pods here.',
        options,
      );
    case code === 404 && context.operation === 'read-namespace':
      return new DebugError('pod_not_found', `Namespace ${context.namespace} was not found.`, options);
    case code === 404:
      return new DebugError(
        'pod_not_found',
        `Pod ${where} was not found; it may have been deleted or rescheduled.`,
        options,
      );
    case code === 403 && /violates PodSecurity/.test(status?.message ?? ''): {
      const denial = parsePodSecurityDenial(status?.message ?? '');
      const checks = denial?.checks.join(', ') || 'its security settings';
      const level = denial?.level ?? 'the namespace level';
      return new DebugError(
        'forbidden_pod_security',
        `Pod Security "${level}" in namespace ${context.namespace} rejected the debug container (${checks}). Try --profile restricted.`,
        options,
      );
    }
    case code === 403:
      return new DebugError(
        'forbidden_rbac',
        `The bot's service account is not allowed to ${ACTIONS[context.operation]} in namespace ${context.namespace}. A cluster admin must grant it (see deploy/rbac.yaml).`,
        options,
      );
    case code === 401:
      return new DebugError('forbidden_rbac', "The cluster rejected the bot's credentials.", options);
    case code === 409 || (code === 422 && isNameConflict(status)):
      return new DebugError(
        'container_conflict',
        `The pod ${where} changed while the debug container was being added.`,
        {
          ...options,
          retryable: true,
        },
      );
    case code === 422 || (code === 400 && context.operation === 'patch-ephemeral'):
      return new DebugError(
        'invalid_container_spec',
        `The cluster rejected the debug container: ${summariseCauses(status)}.`,
        options,
      );
    case code === 429 || code >= 500: {
      const after = retryAfterSeconds(error.headers);
      return new DebugError(
        'api_unavailable',
        `The Kubernetes API is busy or unavailable (HTTP ${code}); the bot will retry.`,
        {
          ...options,
          retryable: true,
          ...(after !== undefined ? { retryAfterSeconds: after } : {}),
        },
      );
    }
    default:
      return new DebugError(
        'internal',
        `The Kubernetes API answered with an unexpected error (HTTP ${code}).`,
        options,
      );
  }
}

/** Anything a Kubernetes call threw → DebugError (DebugErrors pass through unchanged). */
export function translateApiError(error: unknown, context: ApiErrorContext): DebugError {
  if (error instanceof DebugError) return error;
  if (error instanceof ApiException) return fromApiException(error, context);
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  // Node's socket errors carry the failed syscall (connect, read, write…): all of them are the network's.
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || typeof syscall === 'string') {
    return new DebugError('api_unavailable', 'The Kubernetes API could not be reached; the bot will retry.', {
      cause: error,
      retryable: true,
      detail: `${context.operation}: ${code}`,
    });
  }
  if ((error as Error)?.name === 'AbortError' || (error as { type?: string })?.type === 'system') {
    return new DebugError(
      'api_unavailable',
      'The connection to the Kubernetes API failed; the bot will retry.',
      {
        cause: error,
        retryable: true,
        detail: `${context.operation}: ${(error as Error).message}`,
      },
    );
  }
  return new DebugError(
    'internal',
    'Something went wrong talking to the Kubernetes API; the details are in the log.',
    {
      cause: error,
      detail: `${context.operation}: ${error instanceof Error ? error.message : String(error)}`,
    },
  );
}
