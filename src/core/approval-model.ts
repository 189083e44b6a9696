/**
 * The approval side of the domain model: production requests wait for people before anything runs.
 * Platform-neutral like model.ts: chat users are ids, never display names.
 */
import type { DebugRequest, PolicyDecision } from './model.js';

/** A chat user as the platform identifies them. Decisions match on both ids, never on a name. */
export interface UserRef {
  userId: string;
  teamId: string;
}

/** `teamId:userId`: how approvers and approvals are stored and compared. */
export function userKey(user: UserRef): string {
  return `${user.teamId}:${user.userId}`;
}

/** Parses a {@link userKey}; undefined for anything else. */
export function parseUserKey(key: string): UserRef | undefined {
  const colon = key.indexOf(':');
  if (colon <= 0 || colon === key.length - 1) return undefined;
  return { teamId: key.slice(0, colon), userId: key.slice(colon + 1) };
}

/** Who may approve, as configured: user ids (`U…`, or `T…:U…` for another workspace) and user groups (`S…` or `@handle`). */
export interface ApproverSpec {
  users: string[];
  groups: string[];
}

/** Optional per-user authorization through a Kubernetes SubjectAccessReview (policy `authorization`). */
export interface AuthorizationSettings {
  /** When true, every request is checked at request time and again just before the worker runs it. */
  subjectAccessReview: boolean;
  /** Explicit map: Slack user id (or `T…:U…`) → Kubernetes user name. Consulted first. */
  users: Record<string, string>;
  /** When a user is not in `users`, use the email address from their chat profile. */
  useEmail: boolean;
  /** Groups sent with every review (e.g. the group your OIDC setup gives chat users). */
  groups: string[];
}

/** The requester as access rules see them. `groupIds` are the user groups they belong to (resolved by the caller). */
export interface RequesterContext {
  userId: string;
  teamId?: string;
  groupIds: readonly string[];
  channelId: string;
}

/** Facts about the target that production classification may use; labels are undefined when unknown. */
export interface TargetContext {
  cluster: string;
  namespaceLabels?: Record<string, string>;
  podLabels?: Record<string, string>;
  /** When given, the governing access rule (and its approvers) is looked up for this requester. */
  requester?: RequesterContext;
}

/** Output of the pure classification: whether approval is needed, and from whom. */
export interface RequestClassification {
  production: boolean;
  /** Why the target counts as production, one short clause each (shown on the approval card). */
  reasons: string[];
  /** The access rule that governs the request, when a requester was given and a rule admits it. */
  rule?: { index: number; name: string };
  approvers: ApproverSpec;
  approvalsRequired: number;
  expiresInMs: number;
  /** Refused when production needs approval that is not configured (fail closed). */
  decision: PolicyDecision;
}

export const APPROVAL_STATES = ['pending', 'approved', 'denied', 'expired', 'cancelled'] as const;
/** pending → approved | denied | expired | cancelled; every state but pending is final. */
export type ApprovalState = (typeof APPROVAL_STATES)[number];

export const APPROVAL_DECISIONS = ['approve', 'deny', 'cancel'] as const;
/** What a click asks for. `cancel` is the requester withdrawing their own request. */
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

/** Where the approval card was posted, so any replica (and the expiry sweep) can update it. */
export interface ApprovalCardRef {
  channelId: string;
  messageTs: string;
}

/** What a new approval is created with; the store adds state and decisions. */
export interface NewApproval {
  /** Equal to the request id: one approval per request. Letters, digits, `_` and `-` only. */
  id: string;
  /** Snapshot of exactly what will run once approved; never re-read from chat. */
  request: DebugRequest;
  /** `digestRequest(request)`: the approval covers this digest and nothing else. */
  digest: string;
  cluster?: string;
  /** The requester's optional free-text reason. */
  reason?: string;
  productionReasons: string[];
  /** As configured, for the card ("approvers: @sre-oncall"). The resolved set is stored separately. */
  approvers: ApproverSpec;
  approvalsRequired: number;
  createdAt: string;
  expiresAt: string;
}

/** An approval as stored. Lives only in the shared store, so any replica can serve any click. */
export interface Approval extends NewApproval {
  state: ApprovalState;
  /** Distinct approvers so far, oldest first. */
  approvals: Array<{ by: UserRef; at: string }>;
  /** Who made the final transition (the last approver, the denier, the requester who cancelled). */
  decidedBy?: UserRef;
  decidedAt?: string;
  /** Set once the approved request is on the job queue. */
  enqueuedAt?: string;
  card?: ApprovalCardRef;
}

const APPROVAL_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Ids come back from chat buttons: only this shape is ever used to address stored state. */
export function isApprovalId(value: string): boolean {
  return APPROVAL_ID.test(value);
}
