import type { OutputGate } from './create-output-gate.js';
import { deferAuditWrites } from './defer-audit-writes.js';
import { deriveContainerName, digestRequest } from './derive-ids.js';
import { toDebugError } from './errors.js';
import { cancelledNotice, finishDebugJob, transcriptInput } from './finish-debug-job.js';
import type { DebugOutcome, DebugRequest, RequestStatus } from './model.js';
import type { AuditLog, ChatNotifier, DebugPlan, Logger, PodDebugger, TranscriptBuilder } from './ports.js';

/** Progress a job remembers across attempts (stored with the job, so any worker can resume it). */
export interface JobState {
  rootId?: string;
  transcriptPosted?: boolean;
  /** Set with transcriptPosted: a re-run only repeats the final root update. */
  finalPhase?: RequestStatus['phase'];
}

export interface JobContext {
  request: DebugRequest;
  state: JobState;
  saveState(patch: Partial<JobState>): Promise<void>;
  /** 1-based attempt number and the most this job gets. */
  attempt: number;
  maxAttempts: number;
  signal?: AbortSignal;
}

export interface ProcessDeps {
  notifier: ChatNotifier;
  podDebugger: PodDebugger;
  buildTranscript: TranscriptBuilder;
  audit: AuditLog;
  logger: Logger;
  settings: Omit<DebugPlan, 'request' | 'containerName'>;
  cluster?: string;
  /**
   * Checks, just before anything is created, that the requester may still do this (per-user
   * authorization); throws a non-retryable DebugError when permission was revoked.
   */
  authorize?: (request: DebugRequest) => Promise<void>;
  /**
   * Process-wide bound on outputs held in memory: the cluster side reads an output inside
   * `outputGate.read`, and building and posting its transcript runs inside `outputGate.publish`
   * (served first). Default: no bound.
   */
  outputGate?: OutputGate;
  /** Who cancelled the request, if someone did (checked before anything is created). */
  cancelledBy?: (requestId: string) => Promise<string | undefined>;
}

/** Outputs above this go through the output gate when their transcript is built and posted. */
const LARGE_OUTPUT_BYTES = 64 * 1024;

export type JobResult = { status: 'succeeded' | 'failed' | 'cancelled'; containerName: string };

/**
 * Worker use case: root message → ephemeral container → transcript → final status.
 * Idempotent per request: the root message and the transcript are posted once (tracked in JobState),
 * and the container name is derived from the request id so a retry adopts instead of duplicating.
 * A retryable failure is rethrown while attempts remain; every other failure is reported and ends the job.
 */
export async function processDebugJob(ctx: JobContext, deps: ProcessDeps): Promise<JobResult> {
  return deferAuditWrites(deps.audit, (audit) => runDebugJob(ctx, { ...deps, audit }));
}

async function runDebugJob(ctx: JobContext, deps: ProcessDeps): Promise<JobResult> {
  const { request } = ctx;
  const containerName = deriveContainerName(request.id);
  const log = deps.logger.child({ requestId: request.id, attempt: ctx.attempt });
  const auditBase = {
    requestId: request.id,
    userId: request.requester.userId,
    teamId: request.requester.teamId,
    channelId: request.channelId,
    namespace: request.target.namespace,
    pod: request.target.name,
    digest: digestRequest(request),
  };

  const cancelledBy = await deps.cancelledBy?.(request.id);
  const rootId = ctx.state.rootId || (await postRootOnce(ctx, deps.notifier, cancelledBy));
  /** Posts the transcript of a request that ended before (or without) an outcome, and its final status. */
  const endWithoutOutcome = async (reason: string, phase?: RequestStatus['phase']) =>
    finishDebugJob(
      ctx,
      deps.notifier,
      rootId,
      await deps.buildTranscript(transcriptInput(deps.cluster, request, undefined, reason)),
      phase,
    );
  if (cancelledBy && ctx.attempt > 1) {
    // An earlier attempt may have created the container and started the command: say so.
    const reason = `Cancelled by ${cancelledBy} while a retry was pending. An earlier attempt may already have added ${containerName} to the pod and started the command there; it cannot be stopped or removed through the API.`;
    await deps.audit.record({ ...auditBase, event: 'cancelled', reason: 'during retry' });
    await endWithoutOutcome(reason, 'cancelled');
    return { status: 'cancelled', containerName };
  }
  if (cancelledBy) {
    await deps.notifier.updateRoot(request, rootId, cancelledNotice(cancelledBy));
    log.info({ cancelledBy }, 'cancelled before it started');
    return { status: 'cancelled', containerName };
  }
  const status = (s: RequestStatus) =>
    deps.notifier
      .updateRoot(request, rootId, s)
      .catch((err: unknown) => log.warn({ err }, 'root update failed'));

  if (ctx.state.transcriptPosted && ctx.state.finalPhase) {
    // An earlier attempt finished everything but the last status update: only that is left to do.
    await deps.notifier.updateRoot(request, rootId, { phase: ctx.state.finalPhase });
    return {
      status:
        ctx.state.finalPhase === 'done'
          ? 'succeeded'
          : ctx.state.finalPhase === 'cancelled'
            ? 'cancelled'
            : 'failed',
      containerName,
    };
  }
  await deps.audit.record({
    ...auditBase,
    event: 'started',
    reason: ctx.attempt > 1 ? `attempt ${ctx.attempt}` : undefined,
  });
  let outcome: DebugOutcome;
  try {
    await deps.authorize?.(request);
    outcome = await deps.podDebugger.run(
      { ...deps.settings, request, containerName },
      {
        onProgress: (p) => void status(p),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(deps.outputGate ? { outputSlot: deps.outputGate.read } : {}),
      },
    );
  } catch (raw) {
    const error = toDebugError(raw);
    if (error.retryable && ctx.attempt < ctx.maxAttempts) {
      log.warn({ err: error, code: error.code }, 'attempt failed, will retry');
      await status({ phase: 'creating', detail: `retrying: ${error.userMessage}` });
      throw error;
    }
    if (error.code === 'cancelled') {
      // Cancelled while the container was being placed: it may or may not have been added.
      const reason = `Cancelled before the command ran. The debug container ${containerName} may already have been added to the pod; ephemeral containers cannot be removed.`;
      await deps.audit.record({ ...auditBase, event: 'cancelled', reason: 'while placing the container' });
      await endWithoutOutcome(reason, 'cancelled');
      return { status: 'cancelled', containerName };
    }
    log.warn({ err: error, code: error.code }, 'debug request failed');
    await deps.audit.record({ ...auditBase, event: 'failed', reason: error.code });
    await endWithoutOutcome(error.userMessage);
    return { status: 'failed', containerName };
  }

  await deps.audit.record({
    ...auditBase,
    event: outcome.adopted ? 'container_adopted' : 'container_created',
    reason: outcome.adopted
      ? `${outcome.containerName} recovered on attempt ${ctx.attempt} (an earlier attempt created it)`
      : outcome.containerName,
  });
  const publish = async () => {
    const built = await deps.buildTranscript(transcriptInput(deps.cluster, request, outcome));
    await finishDebugJob(ctx, deps.notifier, rootId, built);
    return built;
  };
  const large = outcome.commands.reduce((sum, c) => sum + c.outputBytes, 0) > LARGE_OUTPUT_BYTES;
  const transcript = deps.outputGate && large ? await deps.outputGate.publish(publish) : await publish();
  await deps.audit.record({
    ...auditBase,
    event: transcript.outcome === 'failed' ? 'failed' : 'finished',
    reason: transcript.outcome,
  });
  return { status: transcript.outcome, containerName };
}

/** Posts the root message and records its id in the job before anything else, so a retry reuses it. */
async function postRootOnce(ctx: JobContext, notifier: ChatNotifier, cancelledBy: string | undefined) {
  const rootId = await notifier.postRoot(
    ctx.request,
    cancelledBy ? cancelledNotice(cancelledBy) : { phase: 'creating' },
  );
  await ctx.saveState({ rootId });
  return rootId;
}
