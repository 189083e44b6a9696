import type { AuthorizationSettings } from './approval-model.js';
import type { AccessReviewer, ApprovalAuditLog, UserDirectory } from './approval-ports.js';
import { buildApprovalAudit } from './build-approval-audit.js';
import { digestRequest } from './derive-ids.js';
import { DebugError } from './errors.js';
import type { DebugRequest } from './model.js';

export interface AuthorizeDeps {
  settings: AuthorizationSettings;
  reviewer: AccessReviewer;
  /** Needed when `settings.useEmail` is on. */
  users?: UserDirectory;
}

export type AuthzDecision =
  | { allowed: true; kubeUser?: string }
  | {
      allowed: false;
      code: 'unmapped' | 'denied' | 'review_failed';
      /** Safe for chat. */
      reason: string;
      /** For the audit record and log only (may name RBAC objects). */
      detail?: string;
    };

/**
 * Per-user authorization: maps the chat user to a Kubernetes user (explicit map first, then the chat
 * profile's email when enabled) and asks a SubjectAccessReview for `patch pods/ephemeralcontainers`.
 * Allowed without a check when `subjectAccessReview` is off. Fails closed: no mapping, a failed
 * lookup or a failed review all refuse.
 */
export async function authorizeRequester(request: DebugRequest, deps: AuthorizeDeps): Promise<AuthzDecision> {
  if (!deps.settings.subjectAccessReview) return { allowed: true };
  const { requester, target } = request;
  let kubeUser: string | undefined =
    deps.settings.users[`${requester.teamId}:${requester.userId}`] ?? deps.settings.users[requester.userId];
  try {
    if (kubeUser === undefined && deps.settings.useEmail && deps.users) {
      kubeUser = await deps.users.emailOf({ userId: requester.userId, teamId: requester.teamId });
    }
  } catch (error) {
    return failed('profile lookup failed', error);
  }
  if (!kubeUser) {
    return {
      allowed: false,
      code: 'unmapped',
      reason:
        'no Kubernetes user is mapped to your chat account, so you cannot debug here; ask an admin to add you to policy.authorization.users',
    };
  }
  try {
    const pod = target.kind === 'pod' ? target.name : '';
    const review = await deps.reviewer.canDebug(kubeUser, deps.settings.groups, target.namespace, pod);
    if (review.allowed) return { allowed: true, kubeUser };
    return {
      allowed: false,
      code: 'denied',
      reason: `you are not allowed to debug pods in namespace ${target.namespace} (Kubernetes RBAC for ${kubeUser})`,
      ...(review.reason ? { detail: review.reason } : {}),
    };
  } catch (error) {
    return failed('access review failed', error);
  }
}

/**
 * The worker's second check, just before anything is created: throws a non-retryable
 * `policy_denied` when permission is gone (after an audit record), a retryable error when the
 * review itself failed.
 */
export async function assertStillAuthorized(
  request: DebugRequest,
  deps: AuthorizeDeps & { audit: ApprovalAuditLog },
): Promise<void> {
  const decision = await authorizeRequester(request, deps);
  if (decision.allowed) return;
  await deps.audit.record(
    buildApprovalAudit(request, digestRequest(request), 'denied_authz', {
      reason: `at run time: ${decision.code}${decision.detail ? `: ${decision.detail}` : ''}`,
    }),
  );
  if (decision.code === 'review_failed') {
    throw new DebugError(
      'api_unavailable',
      `Your Kubernetes permissions could not be re-checked, so nothing was run yet.`,
      {
        retryable: true,
        detail: decision.detail,
      },
    );
  }
  throw new DebugError('policy_denied', `Permission no longer granted: ${decision.reason}. Nothing was run.`);
}

function failed(what: string, error: unknown): AuthzDecision {
  return {
    allowed: false,
    code: 'review_failed',
    reason:
      'your Kubernetes permissions could not be checked right now, so nothing was run; try again in a minute',
    detail: `${what}: ${error instanceof Error ? error.message : String(error)}`,
  };
}
