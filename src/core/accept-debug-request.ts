import type { Approval } from './approval-model.js';
import { deriveRequestId, digestRequest } from './derive-ids.js';
import { isDebugError } from './errors.js';
import type { GateResult } from './gate-debug-request.js';
import type { DebugCommandInput, DebugRequest, PolicyDecision, Requester } from './model.js';
import type { AuditLog, Clock, JobQueue, Logger } from './ports.js';

/** Where a command came from: enough to answer and to dedupe redeliveries. */
export interface CommandOrigin {
  requester: Requester;
  channelId: string;
  threadTs?: string;
  /** Platform delivery id (Slack `trigger_id` or `event_id`); the same delivery maps to the same request. */
  deliveryId: string;
}

export interface AcceptDefaults {
  namespace: string;
  image: string;
}

export interface AcceptDeps {
  queue: JobQueue;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  defaults: AcceptDefaults;
  /** Pure policy check (src/policy), injected so core stays free of it. */
  evaluatePolicy: (request: DebugRequest) => PolicyDecision;
  /**
   * Access rules, per-user authorization and production classification (`gateDebugRequest` bound to its
   * deps). Production requests become approvals instead of jobs. Omitted: every allowed request runs.
   */
  gate?: (request: DebugRequest, origin: { reason?: string; digest?: string }) => Promise<GateResult>;
  /** Expands `--preset`; returns undefined for an unknown preset. */
  expandPreset?: (
    name: string,
  ) => { commands: string[][]; image?: string; profile?: DebugRequest['profile'] } | undefined;
}

export type AcceptResult =
  | { status: 'queued'; request: DebugRequest }
  | { status: 'duplicate'; request: DebugRequest }
  | { status: 'approval_pending'; request: DebugRequest; approval: Approval; duplicate: boolean }
  | { status: 'rejected'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * Front-end use case: defaults → policy → durable enqueue. Fast and stateless, so the chat ack stays
 * within Slack's 3 s; everything that talks to the cluster or posts to chat happens in a worker.
 */
export async function acceptDebugRequest(
  input: DebugCommandInput,
  origin: CommandOrigin,
  deps: AcceptDeps,
): Promise<AcceptResult> {
  const base = {
    userId: origin.requester.userId,
    teamId: origin.requester.teamId,
    channelId: origin.channelId,
  };
  let commands = input.commands;
  let image = input.image;
  let profile = input.profile;
  if (input.preset) {
    const preset = deps.expandPreset?.(input.preset);
    if (!preset) {
      await deps.audit.record({ ...base, event: 'rejected_input', reason: `unknown preset ${input.preset}` });
      return {
        status: 'rejected',
        message: `There is no preset called "${input.preset}". Try \`/debug presets\`.`,
      };
    }
    if (commands.length === 0) commands = preset.commands;
    image ??= preset.image;
    profile ??= preset.profile;
  }
  const request: DebugRequest = {
    id: deriveRequestId(origin.requester.teamId, origin.deliveryId),
    requester: origin.requester,
    channelId: origin.channelId,
    ...(origin.threadTs ? { threadTs: origin.threadTs } : {}),
    target: withNamespace(input.target, deps.defaults.namespace),
    image: image ?? deps.defaults.image,
    ...(profile ? { profile } : {}),
    commands,
    createdAt: deps.clock.now().toISOString(),
    ...(input.reason ? { reason: input.reason } : {}),
  };
  // Written out rather than spread from `base`: on Node 20 (V8 11.3) adding fields to a spread copy
  // takes microseconds each, on every chat ack.
  const audit = {
    userId: base.userId,
    teamId: base.teamId,
    channelId: base.channelId,
    requestId: request.id,
    namespace: request.target.namespace,
    pod: request.target.name,
    digest: digestRequest(request),
  };

  const decision = deps.evaluatePolicy(request);
  if (!decision.allowed) {
    await deps.audit.record({ ...audit, event: 'denied_policy', reason: decision.reason });
    return { status: 'rejected', message: decision.reason };
  }
  if (deps.gate) {
    const gate = await deps.gate(request, {
      digest: audit.digest,
      ...(input.reason ? { reason: input.reason } : {}),
    });
    if (gate.status === 'rejected' || gate.status === 'unavailable') return gate;
    if (gate.status === 'pending' || gate.status === 'duplicate') {
      return {
        status: 'approval_pending',
        request: gate.approval.request,
        approval: gate.approval,
        duplicate: gate.status === 'duplicate',
      };
    }
  }
  try {
    // The queue writes the `requested` record with the job where it can; records it did not write are
    // not awaited (they must not add a round trip before the ack, and record never throws).
    const result = await deps.queue.enqueue(request, audit);
    if (result.status === 'duplicate') void deps.audit.record({ ...audit, event: 'duplicate' });
    else if (!result.audited) void deps.audit.record({ ...audit, event: 'requested' });
    return { status: result.status, request };
  } catch (error) {
    deps.logger.error({ err: error, requestId: request.id }, 'enqueue failed');
    await deps.audit.record({ ...audit, event: 'queue_unavailable' });
    const message = isDebugError(error)
      ? error.userMessage
      : 'The job queue is unavailable right now, so nothing was run. Please try again in a minute.';
    return { status: 'unavailable', message };
  }
}

/** The typed target in the request's namespace (the default when none was typed). */
function withNamespace(
  target: DebugCommandInput['target'],
  defaultNamespace: string,
): DebugRequest['target'] {
  return {
    kind: target.kind,
    name: target.name,
    namespace: target.namespace ?? defaultNamespace,
    ...(target.container === undefined ? {} : { container: target.container }),
  };
}
