import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { parsePodSecurityDenial, translateApiError } from '../../../src/kube/translate-api-error.js';

function apiError(code: number, body: object | string, headers: Record<string, string> = {}) {
  return new ApiException(
    code,
    'Unknown API Status Code!',
    typeof body === 'string' ? body : JSON.stringify(body),
    headers,
  );
}

const patch = { operation: 'patch-ephemeral' as const, namespace: 'shop', pod: 'web-1' };
const secretish = 'Bearer sekret-token-in-body';

describe('translateApiError', () => {
  it('404 with details.name is pod_not_found; with empty details on the PATCH it means ECs are disabled', () => {
    const gone = translateApiError(
      apiError(404, { reason: 'NotFound', details: { name: 'web-1', kind: 'pods' } }),
      patch,
    );
    expect(gone).toMatchObject({ code: 'pod_not_found', retryable: false });
    const disabled = translateApiError(apiError(404, { reason: 'NotFound', details: {} }), patch);
    expect(disabled).toMatchObject({ code: 'ephemeral_containers_disabled', retryable: false });
  });

  it('403 from RBAC and 403 from Pod Security are different errors, and neither repeats the body', () => {
    const rbac = translateApiError(
      apiError(403, {
        reason: 'Forbidden',
        message: `pods "web-1" is forbidden: User "x" cannot patch ... ${secretish}`,
      }),
      patch,
    );
    expect(rbac.code).toBe('forbidden_rbac');
    const psa = translateApiError(
      apiError(403, {
        reason: 'Forbidden',
        message: `pods "web-1" is forbidden: violates PodSecurity "baseline:v1.30": non-default capabilities (containers "a", "b" must not include "NET_ADMIN" in securityContext.capabilities.add), privileged (container "a" must not set securityContext.privileged=true) ${secretish}`,
      }),
      patch,
    );
    expect(psa.code).toBe('forbidden_pod_security');
    expect(psa.userMessage).toBe(
      'Pod Security "baseline:v1.30" in namespace shop rejected the debug container (non-default capabilities, privileged). Try --profile restricted.',
    );
    for (const e of [rbac, psa]) expect(e.userMessage).not.toContain('sekret');
  });

  it('409 and 422 Duplicate / may-not-be-changed are retryable conflicts; other 422s explain the fields', () => {
    expect(translateApiError(apiError(409, { reason: 'Conflict' }), patch)).toMatchObject({
      code: 'container_conflict',
      retryable: true,
    });
    const dup = {
      reason: 'Invalid',
      details: { causes: [{ reason: 'FieldValueDuplicate', field: 'spec.ephemeralContainers[1].name' }] },
    };
    expect(translateApiError(apiError(422, dup), patch).code).toBe('container_conflict');
    const changed = {
      reason: 'Invalid',
      details: {
        causes: [
          {
            reason: 'FieldValueForbidden',
            field: 'spec.ephemeralContainers',
            message: 'Forbidden: existing ephemeral containers "dbg-x" may not be changed',
          },
        ],
      },
    };
    expect(translateApiError(apiError(422, changed), patch).code).toBe('container_conflict');
    const invalid = {
      reason: 'Invalid',
      details: {
        causes: [
          { reason: 'FieldValueRequired', field: 'spec.ephemeralContainers[0].image' },
          { reason: 'FieldValueForbidden', field: 'spec.ephemeralContainers[0].ports' },
        ],
      },
    };
    const error = translateApiError(apiError(422, invalid), patch);
    expect(error).toMatchObject({ code: 'invalid_container_spec', retryable: false });
    expect(error.userMessage).toBe(
      'The cluster rejected the debug container: image is required; ports is not allowed.',
    );
  });

  it('429 and 5xx are retryable with Retry-After; network failures are retryable too', () => {
    expect(translateApiError(apiError(429, {}, { 'retry-after': '3' }), patch)).toMatchObject({
      code: 'api_unavailable',
      retryable: true,
      retryAfterSeconds: 3,
    });
    expect(translateApiError(apiError(502, 'bad gateway'), patch)).toMatchObject({
      code: 'api_unavailable',
      retryable: true,
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(translateApiError(refused, patch)).toMatchObject({ code: 'api_unavailable', retryable: true });
  });

  it('keeps DebugErrors and maps unknown failures to internal without their text', () => {
    const original = new DebugError('cancelled', 'x');
    expect(translateApiError(original, patch)).toBe(original);
    const unknown = translateApiError(new TypeError(`boom ${secretish}`), patch);
    expect(unknown.code).toBe('internal');
    expect(unknown.userMessage).not.toContain('sekret');
  });
});

describe('parsePodSecurityDenial', () => {
  it('splits check names at top-level commas only', () => {
    expect(
      parsePodSecurityDenial(
        'x: violates PodSecurity "restricted:latest": a (containers "p", "q" must), b (y)',
      ),
    ).toEqual({
      level: 'restricted:latest',
      checks: ['a', 'b'],
    });
  });
});
