/**
 * Asks the API server whether a person (as the cluster knows them) may add ephemeral containers to a pod,
 * with a SubjectAccessReview — so chat users get no more than their own RBAC allows (TEST-MATRIX 17, 26).
 */
import { AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { AccessReviewer } from '../core/approval-ports.js';
import { attemptWithTimeout, requestOptions } from './apply-request-timeout.js';
import { makeApiOverNodeHttp } from './send-with-node-http.js';
import { translateApiError } from './translate-api-error.js';

/** The core `AccessReviewer` port, plus an optional cancel signal. `pod` '' asks about the whole namespace. */
export interface KubeAccessReviewer extends AccessReviewer {
  canDebug(
    user: string,
    groups: string[],
    namespace: string,
    pod: string,
    signal?: AbortSignal,
  ): Promise<{ allowed: boolean; reason?: string }>;
}

export function createAccessReviewer(
  kc: KubeConfig,
  options: { requestTimeoutMs?: number } = {},
): KubeAccessReviewer {
  const authz = makeApiOverNodeHttp(kc, AuthorizationV1Api);
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  return {
    async canDebug(user, groups, namespace, pod, signal) {
      const context = { operation: 'review-access' as const, namespace, pod };
      const body = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user,
          ...(groups.length ? { groups } : {}),
          resourceAttributes: {
            namespace,
            verb: 'patch',
            group: '',
            version: 'v1',
            resource: 'pods',
            subresource: 'ephemeralcontainers',
            ...(pod ? { name: pod } : {}),
          },
        },
      };
      try {
        const review = await attemptWithTimeout(context, timeoutMs, signal, (s) =>
          authz.createSubjectAccessReview({ body }, requestOptions(s)),
        );
        const status = review.status;
        return {
          allowed: status?.allowed === true && status.denied !== true,
          ...(status?.reason ? { reason: status.reason } : {}),
        };
      } catch (error) {
        throw translateApiError(error, context);
      }
    },
  };
}
