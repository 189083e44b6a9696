/**
 * Ports of the approval flow. Adapters: queue/ (store, dedupe claims), slack/ (directories),
 * kube/ (access reviewer). Tests use hand-written fakes with the same contracts.
 */
import type { Approval, ApprovalCardRef, NewApproval, UserRef } from './approval-model.js';
import type { DebugRequest } from './model.js';
import type { ApprovalAuditEvent, AuditEvent, AuditRecord } from './ports.js';

/** A state change asked of the store. `now` comes from the caller's clock, so tests can fake time. */
export type TransitionCommand =
  | {
      kind: 'approve' | 'deny';
      approvalId: string;
      actor: UserRef;
      now: Date;
      /**
       * What the approver agreed to: the digest the card showed and the request snapshot the caller
       * checked against it. The store refuses when what it holds differs from either.
       */
      expected: { digest: string; request: DebugRequest };
    }
  | { kind: 'cancel'; approvalId: string; actor: UserRef; now: Date }
  | { kind: 'expire'; approvalId: string; now: Date };

/**
 * Outcome of one transition. The first five change state (`changed: true`); `approval_recorded` adds
 * an approval without completing. The rest leave the record as it was.
 */
export type TransitionOutcome =
  | 'approved'
  | 'approval_recorded'
  | 'denied'
  | 'cancelled'
  | 'expired'
  | 'already_decided'
  | 'self'
  | 'not_approver'
  | 'not_requester'
  | 'digest_mismatch'
  | 'already_approved_by_you'
  | 'not_due';

export type TransitionResult =
  | { outcome: 'not_found' }
  | { outcome: TransitionOutcome; changed: boolean; approval: Approval };

/**
 * Approval records, shared by every replica. Contract of {@link transition}: one atomic
 * check-and-set per call, checks in this order —
 * 1. missing record → `not_found`;
 * 2. state not pending → `already_decided` (final states never change);
 * 3. `now` ≥ expiresAt → state becomes expired → `expired` (changed);
 * 4. `expire` on a pending record that is not due → `not_due`;
 * 5. `cancel`: actor must be the requester (user and team) → `cancelled`, else `not_requester`;
 * 6. actor's user id is the requester's → `self`;
 * 7. actor (team:user) not in the approver set stored at creation → `not_approver`;
 * 8. stored digest ≠ expected.digest or stored request ≠ expected.request → `digest_mismatch`;
 * 9. deny → `denied`; approve by someone who already approved → `already_approved_by_you`; else the
 *    approval is added and the state becomes approved when `approvalsRequired` distinct approvers
 *    have approved (`approved`), else `approval_recorded`.
 * Two concurrent calls, from any replicas, never both complete: exactly one gets `approved`/`denied`.
 */
export interface ApprovalStore {
  /** Stores a pending approval and its resolved approver set. Idempotent per id: a second create returns the first. */
  create(
    approval: NewApproval,
    approvers: readonly UserRef[],
  ): Promise<{ created: true } | { created: false; existing?: Approval }>;
  /** Undefined when missing (never created, expired past its grace, or lost). */
  get(approvalId: string): Promise<Approval | undefined>;
  transition(command: TransitionCommand): Promise<TransitionResult>;
  /** Remembers where the card is. No-op when the record is gone. */
  attachCard(approvalId: string, card: ApprovalCardRef): Promise<void>;
  /** Marks an approved request as handed to the job queue (stops the sweep from re-enqueueing it). */
  markEnqueued(approvalId: string, at: Date): Promise<void>;
  /** Ids of pending approvals whose expiry is at or before `now`, soonest first. */
  findExpired(now: Date, limit: number): Promise<string[]>;
  /** Ids of approvals approved at or before `approvedBefore` but not yet marked enqueued. */
  findUnqueued(approvedBefore: Date, limit: number): Promise<string[]>;
}

/**
 * Short-lived claims that make a re-typed command map to the first request (Redis `SET NX PX`).
 * Returns the request id holding the claim: `requestId` itself when this call won.
 */
export interface DedupeClaims {
  claim(key: string, requestId: string, ttlMs: number): Promise<string>;
}

/**
 * Resolves a user group to its members' user ids (Slack `usergroups.users.list`; handles such as
 * `@sre-oncall` are looked up by the implementation). Throws when the lookup fails: callers fail closed.
 */
export interface ApproverDirectory {
  membersOf(groupId: string): Promise<string[]>;
}

/** Chat profile lookups for mapping chat users to Kubernetes users (Slack `users.info`, `users:read.email`). */
export interface UserDirectory {
  /** Undefined when the profile has no email or it is hidden. */
  emailOf(user: UserRef): Promise<string | undefined>;
}

/**
 * Asks the cluster whether `user` (with `groups`) may `patch pods/ephemeralcontainers` on `pod` in
 * `namespace` (a SubjectAccessReview). `pod` is empty when the target is a workload, which asks about
 * the whole namespace. Throws when the review cannot be made; callers fail closed.
 */
export interface AccessReviewer {
  canDebug(
    user: string,
    groups: string[],
    namespace: string,
    pod: string,
  ): Promise<{ allowed: boolean; reason?: string }>;
}

/** Audit events of the approval flow (part of {@link AuditEvent}). */
export type { ApprovalAuditEvent } from './ports.js';

/** An audit record with the approval fields; `userId`/`teamId` stay the requester's, `actor*` is who clicked. */
export interface ApprovalAuditRecord extends Omit<AuditRecord, 'event' | 'at'> {
  event: AuditEvent | ApprovalAuditEvent;
  approvalId?: string;
  actorUserId?: string;
  actorTeamId?: string;
}

/** The audit sink as the approval flow uses it; {@link AuditLog} fits once the event union is merged. */
export interface ApprovalAuditLog {
  record(record: ApprovalAuditRecord): Promise<void>;
}
