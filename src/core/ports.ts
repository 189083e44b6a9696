/**
 * Ports: the small interfaces the use cases depend on. Each adapter (slack/, queue/, kube/) implements
 * some of them; tests pass hand-written fakes through constructors.
 */
import type { DebugOutcome, DebugRequest, ProfileName, RequestStatus, Transcript } from './model.js';

/** Structured logger (pino-compatible subset): metadata object first, fixed message second. */
export interface Logger {
  debug(meta: object, msg: string): void;
  info(meta: object, msg: string): void;
  warn(meta: object, msg: string): void;
  error(meta: object, msg: string): void;
  child(bindings: object): Logger;
}

/** Result of handing a request to the queue; `audited`: the `requested` record was written with it. */
export type EnqueueResult = { status: 'queued'; audited: boolean } | { status: 'duplicate' };

/**
 * Durable hand-off from the chat front end to the workers.
 * Contract: at most one job per `request.id`, however often `enqueue` is called (deliveries are
 * at-least-once). Throws `DebugError('queue_unavailable')` quickly when the backend is down, never hangs.
 * Given `audit`, a new request's `requested` record may be written in the same step as the job (one
 * write per chat ack; `audited` says whether it was; it is stamped with `request.createdAt`); a
 * duplicate writes nothing. The caller records what the queue did not.
 */
export interface JobQueue {
  enqueue(request: DebugRequest, audit?: Omit<AuditRecord, 'at' | 'event'>): Promise<EnqueueResult>;
}

/** Where the worker tells the humans what is going on. Implemented by slack/. */
export interface ChatNotifier {
  /** Posts the request's root message and returns its id (Slack `ts`), used as the thread for the rest. */
  postRoot(request: DebugRequest, status: RequestStatus): Promise<string>;
  /** Updates the root message in place. Implementations may coalesce updates (rate tier). */
  updateRoot(request: DebugRequest, rootId: string, status: RequestStatus): Promise<void>;
  /** Posts the transcript as replies in the root's thread; long output goes out as a file. */
  postTranscript(request: DebugRequest, rootId: string, transcript: Transcript): Promise<void>;
}

/** Progress reported by the pod debugger while it works. */
export interface DebugProgress {
  phase: 'creating' | 'pulling' | 'running' | 'collecting';
  detail?: string;
}

/** How the worker follows and bounds one run. */
export interface DebugHooks {
  onProgress?: (p: DebugProgress) => void;
  signal?: AbortSignal;
  /**
   * Reading and holding a run's output happens inside this slot (process-wide), so many large outputs
   * at once cannot multiply the worker's memory.
   */
  outputSlot?: <T>(task: () => Promise<T>) => Promise<T>;
}

/** What the worker asks the cluster to do for one request. */
export interface DebugPlan {
  request: DebugRequest;
  /** Derived from the request id, so a retried job adopts instead of adding a second container. */
  containerName: string;
  startDeadlineMs: number;
  runDeadlineMs: number;
  outputCapBytes: number;
  maxContainersPerPod: number;
  defaultProfile: ProfileName;
}

/**
 * Adds (or adopts) the ephemeral container for a plan, waits for it, runs the commands and collects
 * output and exit codes. Never adds a second container for the same `containerName`.
 * Throws DebugError for failures before any command ran (pod gone, forbidden, invalid…);
 * start and run deadlines come back as an outcome so partial output is kept.
 */
export interface PodDebugger {
  run(plan: DebugPlan, hooks: DebugHooks): Promise<DebugOutcome>;
}

/** Audit events of the approval flow. */
export type ApprovalAuditEvent =
  | 'approval_requested'
  | 'approval_duplicate'
  | 'approval_not_configured'
  | 'approval_unavailable'
  | 'approved'
  | 'approval_recorded'
  | 'approval_denied'
  | 'approval_cancelled'
  | 'expired'
  | 'approval_enqueue_failed'
  | 'approval_requeued'
  | 'approval_refused_self'
  | 'approval_refused_not_approver'
  | 'approval_refused_not_requester'
  | 'approval_refused_decided'
  | 'approval_refused_expired'
  | 'approval_refused_duplicate'
  | 'approval_refused_digest'
  | 'approval_refused_not_found'
  | 'denied_access'
  | 'denied_authz';

/** Audit trail: one record per state change. */
export type AuditEvent =
  | ApprovalAuditEvent
  | 'requested'
  | 'rejected_input'
  | 'denied_policy'
  | 'duplicate'
  | 'queue_unavailable'
  | 'started'
  | 'container_created'
  | 'container_adopted'
  | 'finished'
  | 'failed'
  | 'cancelled'
  | 'cancel_refused';

export interface AuditRecord {
  event: AuditEvent;
  requestId?: string;
  userId?: string;
  teamId?: string;
  channelId?: string;
  namespace?: string;
  pod?: string;
  /** sha256 of the canonical request (target, image, profile, argv): what runs, without the text. */
  digest?: string;
  reason?: string;
  /** Approval flow: which approval, and who acted (userId/teamId stay the requester's). */
  approvalId?: string;
  actorUserId?: string;
  actorTeamId?: string;
  at: string;
}

/** Append-only audit sink. Must not throw into the caller's flow for transient failures. */
export interface AuditLog {
  record(record: Omit<AuditRecord, 'at'>): Promise<void>;
}

/** Time source, injectable for tests. */
export interface Clock {
  now(): Date;
}

/** What the transcript builder needs; `outcome` is absent when the request failed before any command ran. */
export interface TranscriptInput {
  request: DebugRequest;
  outcome?: DebugOutcome;
  /** Safe, human failure text (a DebugError's userMessage). */
  failure?: string;
  approvers?: string[];
  cluster?: string;
}

/** Pure-ish step (async because redaction engines are): raw outcome → redacted, sanitised transcript. */
export type TranscriptBuilder = (input: TranscriptInput) => Promise<Transcript>;

/** What cancelling found. */
export type CancelResult =
  | { status: 'cancelled'; wasRunning: boolean }
  | { status: 'already_finished' }
  | { status: 'not_found' };

/**
 * Control over requests that are queued or running, from any process.
 * Contract: after `cancel` returns `cancelled`, a queued request never starts, and a running one stops
 * waiting (whichever worker process holds it) and posts what it collected.
 */
export interface RequestControl {
  /** The request as queued, while the queue still knows it. */
  find(requestId: string): Promise<DebugRequest | undefined>;
  cancel(requestId: string, byUserId: string): Promise<CancelResult>;
  /** Who cancelled, when the request was cancelled. */
  cancelledBy(requestId: string): Promise<string | undefined>;
}
