import { isDeepStrictEqual } from 'node:util';
import {
  type Approval,
  type ApprovalCardRef,
  type NewApproval,
  type UserRef,
  userKey,
} from '../../../src/core/approval-model.js';
import type {
  AccessReviewer,
  ApprovalAuditLog,
  ApprovalAuditRecord,
  ApprovalStore,
  ApproverDirectory,
  DedupeClaims,
  TransitionCommand,
  TransitionOutcome,
  TransitionResult,
  UserDirectory,
} from '../../../src/core/approval-ports.js';
import type { DebugRequest } from '../../../src/core/model.js';

interface Entry {
  approval: Approval;
  approvers: Set<string>;
  unqueuedSince?: number;
}

/**
 * In-memory ApprovalStore with the same contract as the Redis one (the shared contract test runs
 * against both). `failWith` simulates an outage.
 */
export class MemoryApprovalStore implements ApprovalStore, DedupeClaims {
  readonly entries = new Map<string, Entry>();
  readonly claims = new Map<string, { holder: string; until: number }>();
  failWith?: Error;

  async create(approval: NewApproval, approvers: readonly UserRef[]) {
    this.check();
    const existing = this.entries.get(approval.id);
    if (existing) return { created: false as const, existing: structuredClone(existing.approval) };
    this.entries.set(approval.id, {
      approval: { ...structuredClone(approval), state: 'pending', approvals: [] },
      approvers: new Set(approvers.map(userKey)),
    });
    return { created: true as const };
  }

  async get(approvalId: string) {
    this.check();
    const entry = this.entries.get(approvalId);
    return entry ? structuredClone(entry.approval) : undefined;
  }

  async transition(command: TransitionCommand): Promise<TransitionResult> {
    this.check();
    const entry = this.entries.get(command.approvalId);
    if (!entry) return { outcome: 'not_found' };
    const a = entry.approval;
    const now = command.now.getTime();
    const result = (outcome: TransitionOutcome, changed: boolean): TransitionResult => ({
      outcome,
      changed,
      approval: structuredClone(a),
    });
    const finish = (state: Approval['state'], by?: UserRef) => {
      a.state = state;
      a.decidedAt = command.now.toISOString();
      if (by) a.decidedBy = { ...by };
    };
    if (a.state !== 'pending') return result('already_decided', false);
    if (now >= Date.parse(a.expiresAt)) {
      finish('expired');
      return result('expired', true);
    }
    if (command.kind === 'expire') return result('not_due', false);
    const actor = command.actor;
    const isRequester = actor.userId === a.request.requester.userId;
    if (command.kind === 'cancel') {
      if (!isRequester || actor.teamId !== a.request.requester.teamId) return result('not_requester', false);
      finish('cancelled', actor);
      return result('cancelled', true);
    }
    if (isRequester) return result('self', false);
    if (!entry.approvers.has(userKey(actor))) return result('not_approver', false);
    if (a.digest !== command.expected.digest || !isDeepStrictEqual(a.request, command.expected.request)) {
      return result('digest_mismatch', false);
    }
    if (command.kind === 'deny') {
      finish('denied', actor);
      return result('denied', true);
    }
    if (a.approvals.some((x) => userKey(x.by) === userKey(actor)))
      return result('already_approved_by_you', false);
    a.approvals.push({ by: { ...actor }, at: command.now.toISOString() });
    if (a.approvals.length >= a.approvalsRequired) {
      finish('approved', actor);
      entry.unqueuedSince = now;
      return result('approved', true);
    }
    return result('approval_recorded', true);
  }

  async attachCard(approvalId: string, card: ApprovalCardRef) {
    this.check();
    const entry = this.entries.get(approvalId);
    if (entry) entry.approval.card = { ...card };
  }

  async markEnqueued(approvalId: string, at: Date) {
    this.check();
    const entry = this.entries.get(approvalId);
    if (!entry) return;
    entry.approval.enqueuedAt = at.toISOString();
    delete entry.unqueuedSince;
  }

  async findExpired(now: Date, limit: number) {
    this.check();
    return [...this.entries.values()]
      .filter((e) => e.approval.state === 'pending' && Date.parse(e.approval.expiresAt) <= now.getTime())
      .sort((x, y) => Date.parse(x.approval.expiresAt) - Date.parse(y.approval.expiresAt))
      .slice(0, limit)
      .map((e) => e.approval.id);
  }

  async findUnqueued(approvedBefore: Date, limit: number) {
    this.check();
    return [...this.entries.values()]
      .filter((e) => e.unqueuedSince !== undefined && e.unqueuedSince <= approvedBefore.getTime())
      .slice(0, limit)
      .map((e) => e.approval.id);
  }

  async claim(key: string, requestId: string, ttlMs: number) {
    this.check();
    const held = this.claims.get(key);
    if (held && held.until > Date.now()) return held.holder;
    this.claims.set(key, { holder: requestId, until: Date.now() + ttlMs });
    return requestId;
  }

  /** Test hooks: what Redis data loss or tampering would look like. */
  deleteRecord(approvalId: string) {
    this.entries.delete(approvalId);
  }
  setStoredRequest(approvalId: string, request: DebugRequest) {
    const entry = this.entries.get(approvalId);
    if (entry) entry.approval.request = structuredClone(request);
  }

  private check() {
    if (this.failWith) throw this.failWith;
  }
}

/** Audit sink typed with the approval events. */
export class MemoryApprovalAudit implements ApprovalAuditLog {
  readonly records: ApprovalAuditRecord[] = [];
  async record(record: ApprovalAuditRecord) {
    this.records.push(record);
  }
  events(): string[] {
    return this.records.map((r) => r.event);
  }
}

/** Group → members; counts lookups; `failWith` simulates Slack being down. */
export class FakeDirectory implements ApproverDirectory {
  readonly lookups: string[] = [];
  failWith?: Error;
  constructor(readonly groups: Record<string, string[]> = {}) {}
  async membersOf(groupId: string) {
    this.lookups.push(groupId);
    if (this.failWith) throw this.failWith;
    return [...(this.groups[groupId] ?? [])];
  }
}

/** SubjectAccessReview fake: allowed unless `deny` says otherwise; records every review. */
export class FakeReviewer implements AccessReviewer {
  readonly reviews: Array<{ user: string; groups: string[]; namespace: string; pod: string }> = [];
  allowed = (_user: string, _namespace: string) => true;
  failWith?: Error;
  async canDebug(user: string, groups: string[], namespace: string, pod: string) {
    this.reviews.push({ user, groups, namespace, pod });
    if (this.failWith) throw this.failWith;
    return this.allowed(user, namespace) ? { allowed: true } : { allowed: false, reason: 'no RBAC rule' };
  }
}

export class FakeUserDirectory implements UserDirectory {
  constructor(readonly emails: Record<string, string> = {}) {}
  async emailOf(user: UserRef) {
    return this.emails[user.userId];
  }
}

/** A clock tests move by hand. */
export class FakeClock {
  constructor(private current = new Date('2026-11-29T12:00:00.000Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Enqueue spy with the JobQueue dedupe contract. */
export function recordingEnqueue() {
  const calls: DebugRequest[] = [];
  const enqueue = async (request: DebugRequest) => {
    if (enqueue.failWith) throw enqueue.failWith;
    calls.push(structuredClone(request));
    return { status: 'queued' as const };
  };
  enqueue.failWith = undefined as Error | undefined;
  return Object.assign(enqueue, { calls });
}
