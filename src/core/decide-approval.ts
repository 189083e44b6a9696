import { type Approval, type ApprovalDecision, isApprovalId, type UserRef } from './approval-model.js';
import type {
  ApprovalAuditLog,
  ApprovalAuditRecord,
  ApprovalStore,
  TransitionCommand,
  TransitionOutcome,
} from './approval-ports.js';
import { buildApprovalAudit } from './build-approval-audit.js';
import { digestRequest } from './derive-ids.js';
import type { DebugRequest } from './model.js';
import type { Logger } from './ports.js';

export interface DecideApprovalInput {
  /** From the button value; anything but an approval id is "not found". */
  approvalId: string;
  /** Who clicked, as the signed chat payload says: user id and team id, never a name. */
  clicker: UserRef;
  decision: ApprovalDecision;
  now: Date;
  /** The digest the card showed, when the chat layer can read it back (e.g. from the actions block id). */
  shownDigest?: string;
}

export interface DecideApprovalDeps {
  store: ApprovalStore;
  audit: ApprovalAuditLog;
  logger: Logger;
  /** Hands the approved request to the job queue; idempotent per request id (JobQueue contract). */
  enqueue: (request: DebugRequest, approval: Approval) => Promise<unknown>;
  /** How messages name a user; default the bare id. Chat layers pass their mention syntax. */
  mention?: (user: UserRef) => string;
}

export type ApprovalRefusal =
  | 'self'
  | 'not_approver'
  | 'not_requester'
  | 'already_decided'
  | 'already_approved_by_you'
  | 'digest_mismatch';

/** Every result carries a short chat-safe `message`; those with `approval` should also refresh the card. */
export type DecideApprovalResult =
  | { status: 'approved'; approval: Approval; enqueued: boolean; message: string }
  | { status: 'approval_recorded'; approval: Approval; remaining: number; message: string }
  | { status: 'denied'; approval: Approval; message: string }
  | { status: 'cancelled'; approval: Approval; message: string }
  /** `changed`: this click found it past its expiry and closed it (the card needs updating). */
  | { status: 'expired'; approval: Approval; changed: boolean; message: string }
  | { status: 'refused'; reason: ApprovalRefusal; approval?: Approval; message: string }
  | { status: 'not_found'; message: string }
  | { status: 'unavailable'; message: string };

const NOT_FOUND =
  'This request was not found or has expired; nothing was run. Run /debug again if you still need it.';
const UNAVAILABLE =
  'The approval store (Redis) is unavailable right now; nothing was decided or run. Try again in a minute.';
const EXPIRED =
  'This request expired before it was approved; nothing was run. Run /debug again if you still need it.';

/**
 * One click on an approval card. The store's atomic transition makes each decision exact and final:
 * concurrent clicks on any replicas produce one transition, and only the click that completes the
 * approval enqueues the job — exactly once.
 */
export async function decideApproval(
  input: DecideApprovalInput,
  deps: DecideApprovalDeps,
): Promise<DecideApprovalResult> {
  const mention = deps.mention ?? ((user: UserRef) => user.userId);
  const notFound = async (): Promise<DecideApprovalResult> => {
    await deps.audit.record({
      event: 'approval_refused_not_found',
      ...(isApprovalId(input.approvalId)
        ? { approvalId: input.approvalId, requestId: input.approvalId }
        : {}),
      actorUserId: input.clicker.userId,
      actorTeamId: input.clicker.teamId,
      reason: input.decision,
    });
    return { status: 'not_found', message: NOT_FOUND };
  };
  if (!isApprovalId(input.approvalId)) return notFound();

  let stored: Approval | undefined;
  try {
    stored = await deps.store.get(input.approvalId);
  } catch (error) {
    deps.logger.error({ err: error, approvalId: input.approvalId }, 'approval store failed');
    await deps.audit.record({
      event: 'approval_unavailable',
      approvalId: input.approvalId,
      requestId: input.approvalId,
      actorUserId: input.clicker.userId,
      actorTeamId: input.clicker.teamId,
      reason: `${input.decision} failed`,
    });
    return { status: 'unavailable', message: UNAVAILABLE };
  }
  if (!stored) return notFound();
  const audit = (approval: Approval, event: ApprovalAuditRecord['event'], reason?: string) =>
    deps.audit.record(
      buildApprovalAudit(approval.request, approval.digest, event, {
        actor: input.clicker,
        ...(reason !== undefined ? { reason } : {}),
      }),
    );

  // The snapshot must still hash to the digest the card was built from; a changed record is refused.
  const wantsVerdict = input.decision === 'approve' || input.decision === 'deny';
  if (wantsVerdict && stored.state === 'pending' && digestRequest(stored.request) !== stored.digest) {
    await audit(stored, 'approval_refused_digest', 'stored request no longer matches its digest');
    return refused('digest_mismatch', stored);
  }

  const command: TransitionCommand =
    input.decision === 'cancel'
      ? { kind: 'cancel', approvalId: stored.id, actor: input.clicker, now: input.now }
      : {
          kind: input.decision,
          approvalId: stored.id,
          actor: input.clicker,
          now: input.now,
          expected: { digest: input.shownDigest ?? stored.digest, request: stored.request },
        };
  let result: Awaited<ReturnType<ApprovalStore['transition']>>;
  try {
    result = await deps.store.transition(command);
  } catch (error) {
    deps.logger.error({ err: error, approvalId: stored.id }, 'approval transition failed');
    await audit(stored, 'approval_unavailable', `${input.decision} failed`);
    return { status: 'unavailable', message: UNAVAILABLE };
  }
  if (result.outcome === 'not_found') return notFound();
  const { approval, outcome } = result;

  switch (outcome) {
    case 'approved':
      return complete(approval, input, deps, audit);
    case 'approval_recorded': {
      const remaining = approval.approvalsRequired - approval.approvals.length;
      await audit(
        approval,
        'approval_recorded',
        `${approval.approvals.length} of ${approval.approvalsRequired}`,
      );
      return {
        status: 'approval_recorded',
        approval,
        remaining,
        message: `Your approval is recorded; ${remaining} more needed before anything runs.`,
      };
    }
    case 'denied':
      await audit(approval, 'approval_denied');
      return { status: 'denied', approval, message: 'Denied. Nothing will run for this request.' };
    case 'cancelled':
      await audit(approval, 'approval_cancelled');
      return { status: 'cancelled', approval, message: 'Request cancelled. Nothing will run.' };
    case 'expired':
      await audit(approval, 'expired', `on ${input.decision} click`);
      return { status: 'expired', approval, changed: true, message: EXPIRED };
    case 'already_decided':
      if (approval.state === 'expired') {
        await audit(approval, 'approval_refused_expired');
        return { status: 'expired', approval, changed: false, message: EXPIRED };
      }
      await audit(approval, 'approval_refused_decided', `already ${approval.state}`);
      return refused('already_decided', approval, decidedMessage(approval, mention));
    case 'self':
      await audit(approval, 'approval_refused_self', input.decision);
      return refused('self', approval, input.decision === 'approve' ? SELF_APPROVE : SELF_DENY);
    default:
      await audit(approval, REFUSAL_EVENTS[outcome]);
      return refused(outcome, approval);
  }
}

const SELF_APPROVE = "You can't approve your own request.";
const SELF_DENY = "You can't deny your own request; use Cancel to withdraw it.";

const REFUSAL_EVENTS = {
  not_approver: 'approval_refused_not_approver',
  not_requester: 'approval_refused_not_requester',
  digest_mismatch: 'approval_refused_digest',
  already_approved_by_you: 'approval_refused_duplicate',
  // `expire` commands are the sweep's; a click never sends one.
  not_due: 'approval_refused_decided',
} as const satisfies Partial<Record<TransitionOutcome, ApprovalAuditRecord['event']>>;

const REFUSAL_MESSAGES: Record<Exclude<ApprovalRefusal, 'already_decided'>, string> = {
  self: SELF_APPROVE,
  not_approver: 'You are not one of the approvers for this request.',
  not_requester: 'Only the requester can cancel this request.',
  already_approved_by_you: 'You have already approved this request; it needs another approver.',
  digest_mismatch:
    'This request changed after its approval card was shown, so it cannot be approved; nothing was run. Run /debug again.',
};

function refused(
  reason: ApprovalRefusal | 'not_due',
  approval: Approval,
  message?: string,
): DecideApprovalResult {
  const code = reason === 'not_due' ? 'already_decided' : reason;
  return {
    status: 'refused',
    reason: code,
    approval,
    message:
      message ?? (code === 'already_decided' ? 'This request was already decided.' : REFUSAL_MESSAGES[code]),
  };
}

function decidedMessage(approval: Approval, mention: (user: UserRef) => string): string {
  const by = approval.decidedBy ? ` by ${mention(approval.decidedBy)}` : '';
  return `This request was already ${approval.state}${by}.`;
}

async function complete(
  approval: Approval,
  input: DecideApprovalInput,
  deps: DecideApprovalDeps,
  audit: (approval: Approval, event: ApprovalAuditRecord['event'], reason?: string) => Promise<void>,
): Promise<DecideApprovalResult> {
  await audit(approval, 'approved', approval.approvals.map((a) => a.by.userId).join(','));
  try {
    await deps.enqueue(approval.request, approval);
  } catch (error) {
    deps.logger.error(
      { err: error, approvalId: approval.id },
      'enqueue after approval failed; the sweep retries',
    );
    await audit(approval, 'approval_enqueue_failed');
    return {
      status: 'approved',
      approval,
      enqueued: false,
      message:
        'Approved, but the job queue is unavailable right now; it will run as soon as the queue is back.',
    };
  }
  await deps.store
    .markEnqueued(approval.id, input.now)
    .catch((error: unknown) =>
      deps.logger.warn({ err: error, approvalId: approval.id }, 'could not mark enqueued'),
    );
  return { status: 'approved', approval, enqueued: true, message: 'Approved. The debug job is queued.' };
}
