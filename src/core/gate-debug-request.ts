import type { Approval, RequestClassification, RequesterContext, TargetContext } from './approval-model.js';
import type { ApproverDirectory } from './approval-ports.js';
import type { AuthzDecision } from './authorize-requester.js';
import { buildApprovalAudit } from './build-approval-audit.js';
import { digestRequest } from './derive-ids.js';
import type { DebugRequest, PolicyDecision } from './model.js';
import { type RequestApprovalDeps, requestApproval } from './request-approval.js';

export interface GateDeps extends RequestApprovalDeps {
  /** This deployment's cluster name (config `cluster.name`). */
  cluster: string;
  /** Pure policy (src/policy `mayRequest`), injected so core stays free of it. */
  mayRequest: (requester: RequesterContext, request: DebugRequest) => PolicyDecision;
  /** Pure policy (src/policy `classifyRequest`). */
  classify: (request: DebugRequest, context: TargetContext) => RequestClassification;
  /** User groups named by access rules (src/policy `requesterGroupsInPolicy`); only these are looked up. */
  requesterGroups: readonly string[];
  directory: ApproverDirectory;
  /** Per-user authorization (`authorizeRequester` bound to its deps); omitted = off. */
  authorize?: (request: DebugRequest) => Promise<AuthzDecision>;
  /** Namespace and pod labels for production classification; omitted or failing = unknown. */
  readTargetLabels?: (request: DebugRequest) => Promise<Pick<TargetContext, 'namespaceLabels' | 'podLabels'>>;
}

export type GateResult =
  /** Not production: enqueue as before. */
  | { status: 'run'; classification: RequestClassification }
  /** Production: an approval card must be posted; nothing is enqueued until it is approved. */
  | { status: 'pending'; approval: Approval }
  | { status: 'duplicate'; approval: Approval }
  | { status: 'rejected'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * Between the pure request policy and the job queue: who may ask (access rules), per-user Kubernetes
 * authorization, production classification, and — for production — an approval instead of a job.
 * Every refusal is audited; any lookup that fails refuses (fail closed).
 */
export async function gateDebugRequest(
  request: DebugRequest,
  origin: { reason?: string; digest?: string },
  deps: GateDeps,
): Promise<GateResult> {
  // For refusal audit records; the caller has usually hashed the request already. An approval hashes
  // the request itself (request-approval.ts), independent of what the caller passed.
  const digest = origin.digest ?? digestRequest(request);
  const refuse = async (
    event: 'denied_access' | 'denied_authz' | 'approval_not_configured',
    message: string,
    detail?: string,
  ) => {
    await deps.audit.record(buildApprovalAudit(request, digest, event, { reason: detail ?? message }));
    return { status: 'rejected', message } as const;
  };

  let groupIds: string[];
  try {
    // No await when no rule names a user group: the common case stays on the ack's synchronous path.
    groupIds =
      deps.requesterGroups.length === 0
        ? []
        : await groupsOf(request.requester.userId, deps.requesterGroups, deps.directory);
  } catch (error) {
    deps.logger.warn({ err: error, requestId: request.id }, 'user-group lookup failed');
    await deps.audit.record(
      buildApprovalAudit(request, digest, 'approval_unavailable', { reason: 'user-group lookup failed' }),
    );
    return {
      status: 'unavailable',
      message:
        'Your user groups could not be looked up right now, so nothing was run. Please try again in a minute.',
    };
  }
  const requester: RequesterContext = {
    userId: request.requester.userId,
    teamId: request.requester.teamId,
    groupIds,
    channelId: request.channelId,
  };
  const access = deps.mayRequest(requester, request);
  if (!access.allowed) return refuse('denied_access', access.reason);

  if (deps.authorize) {
    const authz = await deps.authorize(request);
    if (!authz.allowed)
      return refuse('denied_authz', authz.reason, `${authz.code}${authz.detail ? `: ${authz.detail}` : ''}`);
  }

  let labels: Pick<TargetContext, 'namespaceLabels' | 'podLabels'> = {};
  try {
    if (deps.readTargetLabels) labels = await deps.readTargetLabels(request);
  } catch (error) {
    deps.logger.warn(
      { err: error, requestId: request.id },
      'target labels unknown; production rules on labels fail closed',
    );
  }
  const classification = deps.classify(request, { cluster: deps.cluster, ...labels, requester });
  if (!classification.decision.allowed)
    return refuse('approval_not_configured', classification.decision.reason);
  if (!classification.production) return { status: 'run', classification };

  return requestApproval(
    request,
    { classification, cluster: deps.cluster, ...(origin.reason ? { reason: origin.reason } : {}) },
    deps,
  );
}

async function groupsOf(
  userId: string,
  groups: readonly string[],
  directory: ApproverDirectory,
): Promise<string[]> {
  const members = await Promise.all(groups.map((group) => directory.membersOf(group)));
  return groups.filter((_, index) => members[index]!.includes(userId));
}
