import type { Approval, NewApproval, RequestClassification } from './approval-model.js';
import type { ApprovalAuditLog, ApprovalStore, ApproverDirectory, DedupeClaims } from './approval-ports.js';
import { buildApprovalAudit } from './build-approval-audit.js';
import { DEDUPE_WINDOW_MS, deriveDedupeKey } from './derive-dedupe-key.js';
import { digestRequest } from './derive-ids.js';
import type { DebugRequest } from './model.js';
import type { Clock, Logger } from './ports.js';
import { resolveApprovers } from './resolve-approvers.js';

export interface RequestApprovalDeps {
  store: ApprovalStore;
  directory: ApproverDirectory;
  audit: ApprovalAuditLog;
  clock: Clock;
  logger: Logger;
  /** When given, the same command re-typed by the same user in the same channel maps to the first request. */
  dedupe?: DedupeClaims;
  dedupeWindowMs?: number;
}

/** What the classification decided, plus what the card shows besides the request. */
export interface ApprovalContext {
  classification: Pick<RequestClassification, 'reasons' | 'approvers' | 'approvalsRequired' | 'expiresInMs'>;
  cluster?: string;
  /** The requester's optional reason. */
  reason?: string;
}

export type RequestApprovalResult =
  | { status: 'pending'; approval: Approval }
  /** The same request (redelivery, or re-typed within the window) already has an approval, in any state. */
  | { status: 'duplicate'; approval: Approval }
  | { status: 'rejected'; message: string }
  | { status: 'unavailable'; message: string };

const UNAVAILABLE =
  'The approval store (Redis) is unavailable right now, so nothing was requested or run. Please try again in a minute.';

/**
 * Opens an approval for a production request: resolves the approvers (the requester never counts),
 * stores the request snapshot with its digest, and audits. Enqueues nothing — only a completed
 * approval does (see decideApproval).
 */
export async function requestApproval(
  request: DebugRequest,
  context: ApprovalContext,
  deps: RequestApprovalDeps,
): Promise<RequestApprovalResult> {
  const digest = digestRequest(request);
  const { classification } = context;
  const audit = (event: Parameters<typeof buildApprovalAudit>[2], reason?: string) =>
    deps.audit.record(buildApprovalAudit(request, digest, event, reason === undefined ? {} : { reason }));

  let approvers: Awaited<ReturnType<typeof resolveApprovers>>;
  try {
    approvers = await resolveApprovers(classification.approvers, request.requester.teamId, deps.directory);
  } catch (error) {
    deps.logger.warn({ err: error, requestId: request.id }, 'approver lookup failed');
    await audit('approval_unavailable', 'approver lookup failed');
    return {
      status: 'unavailable',
      message:
        'The approvers for this request could not be looked up right now, so nothing was requested or run. Please try again in a minute.',
    };
  }
  const eligible = approvers.filter((user) => user.userId !== request.requester.userId);
  if (eligible.length < classification.approvalsRequired) {
    await audit(
      'approval_not_configured',
      `${eligible.length} eligible approvers, ${classification.approvalsRequired} required`,
    );
    return {
      status: 'rejected',
      message: `approval not configured: this request needs ${classification.approvalsRequired} approval(s) but ${eligible.length} approver(s) other than you can give one; ask an admin`,
    };
  }

  try {
    if (deps.dedupe) {
      const earlier = await findPendingTwin(request, digest, deps);
      if (earlier) {
        await audit('approval_duplicate', `same command as ${earlier.id}`);
        return { status: 'duplicate', approval: earlier };
      }
    }
    const now = deps.clock.now();
    const approval: NewApproval = {
      id: request.id,
      request,
      digest,
      ...(context.cluster ? { cluster: context.cluster } : {}),
      ...(context.reason ? { reason: context.reason } : {}),
      productionReasons: classification.reasons,
      approvers: classification.approvers,
      approvalsRequired: classification.approvalsRequired,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + classification.expiresInMs).toISOString(),
    };
    const created = await deps.store.create(approval, eligible);
    if (!created.created) {
      const existing = created.existing ?? (await deps.store.get(approval.id));
      if (!existing) return { status: 'unavailable', message: UNAVAILABLE };
      await audit('approval_duplicate', 'redelivered');
      return { status: 'duplicate', approval: existing };
    }
    await audit('approval_requested', classification.reasons.join('; '));
    return { status: 'pending', approval: { ...approval, state: 'pending', approvals: [] } };
  } catch (error) {
    deps.logger.error({ err: error, requestId: request.id }, 'approval store failed');
    await audit('approval_unavailable', 'store failed');
    return { status: 'unavailable', message: UNAVAILABLE };
  }
}

/**
 * The same command re-typed by the same user in the same channel within the window maps to the
 * earlier request while that one is still pending. A decided, expired or lost earlier request does
 * not: the claim moves on to a key chained after it, so the new request gets its own approval.
 * A holder whose record is not stored yet (another replica between claim and create) is waited for.
 */
async function findPendingTwin(
  request: DebugRequest,
  digest: string,
  deps: RequestApprovalDeps,
): Promise<Approval | undefined> {
  let key = deriveDedupeKey({ ...request.requester, channelId: request.channelId, digest });
  for (let hop = 0; hop < 5; hop++) {
    const holder = await deps.dedupe!.claim(key, request.id, deps.dedupeWindowMs ?? DEDUPE_WINDOW_MS);
    if (holder === request.id) return undefined;
    const earlier = await waitForRecord(deps.store, holder);
    if (earlier?.state === 'pending') return earlier;
    key = `${key}>${holder}`;
  }
  return undefined;
}

async function waitForRecord(store: RequestApprovalDeps['store'], id: string): Promise<Approval | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const record = await store.get(id);
    if (record) return record;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}
