import type { Approval, ApprovalState, ApproverSpec, UserRef } from './approval-model.js';
import type { ProfileName, Requester, TargetRef } from './model.js';

/**
 * Everything an approval card shows, platform-neutral. Values are raw (ids, argv as typed): the chat
 * renderer escapes them. Buttons carry the approval id only; `digest` goes wherever the renderer can
 * read it back on a click (e.g. the actions block id) so the decision binds to what was shown.
 */
export interface ApprovalCard {
  approvalId: string;
  state: ApprovalState;
  requester: Requester;
  cluster?: string;
  target: TargetRef;
  image: string;
  /** Undefined: chosen at run time from the namespace's Pod Security level (or the policy default). */
  profile?: ProfileName;
  /** Each argv exactly as it will run. */
  commands: string[][];
  reason?: string;
  /** Why the target counts as production. */
  productionReasons: string[];
  /** Who may approve, as configured (user ids and group ids/handles). */
  approvers: ApproverSpec;
  approvalsRequired: number;
  approvedBy: UserRef[];
  digest: string;
  /** First 12 hex digits, for people to compare. */
  shortDigest: string;
  createdAt: string;
  expiresAt: string;
  /** Whole minutes left, 0 once due; shown while pending. */
  minutesLeft: number;
  decidedBy?: UserRef;
  decidedAt?: string;
  /** Approve/Deny/Cancel are shown only while pending and not yet due. */
  buttons: boolean;
}

/** The card for an approval as of `now`. Pure. */
export function describeApprovalCard(approval: Approval, now: Date): ApprovalCard {
  const { request } = approval;
  const msLeft = Date.parse(approval.expiresAt) - now.getTime();
  const open = approval.state === 'pending' && msLeft > 0;
  return {
    approvalId: approval.id,
    state: open || approval.state !== 'pending' ? approval.state : 'expired',
    requester: request.requester,
    ...(approval.cluster ? { cluster: approval.cluster } : {}),
    target: request.target,
    image: request.image,
    ...(request.profile ? { profile: request.profile } : {}),
    commands: request.commands,
    ...(approval.reason ? { reason: approval.reason } : {}),
    productionReasons: approval.productionReasons,
    approvers: approval.approvers,
    approvalsRequired: approval.approvalsRequired,
    approvedBy: approval.approvals.map((entry) => entry.by),
    digest: approval.digest,
    shortDigest: approval.digest.slice(0, 12),
    createdAt: approval.createdAt,
    expiresAt: approval.expiresAt,
    minutesLeft: open ? Math.ceil(msLeft / 60_000) : 0,
    ...(approval.decidedBy ? { decidedBy: approval.decidedBy } : {}),
    ...(approval.decidedAt ? { decidedAt: approval.decidedAt } : {}),
    buttons: open,
  };
}
