import type { UserRef } from './approval-model.js';
import type { ApprovalAuditRecord } from './approval-ports.js';
import type { DebugRequest } from './model.js';

/** The fields every approval audit record carries: ids, target and digest; the actor when someone clicked. */
export function buildApprovalAudit(
  request: DebugRequest,
  digest: string,
  event: ApprovalAuditRecord['event'],
  extra: { actor?: UserRef; reason?: string } = {},
): ApprovalAuditRecord {
  return {
    event,
    requestId: request.id,
    approvalId: request.id,
    userId: request.requester.userId,
    teamId: request.requester.teamId,
    channelId: request.channelId,
    namespace: request.target.namespace,
    pod: request.target.name,
    digest,
    ...(extra.actor ? { actorUserId: extra.actor.userId, actorTeamId: extra.actor.teamId } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
  };
}
