import type { DebugOutcome, DebugRequest, RequestStatus, Transcript } from './model.js';
import type { ChatNotifier } from './ports.js';

/** What finishing needs of a job: its request, whether the transcript is out, and how to record that. */
export interface FinishingJob {
  request: DebugRequest;
  state: { transcriptPosted?: boolean };
  saveState(patch: { transcriptPosted: boolean; finalPhase: RequestStatus['phase'] }): Promise<void>;
}

/** The root's status for a request cancelled before anything was created. */
export function cancelledNotice(userId: string): RequestStatus {
  return { phase: 'cancelled', detail: `cancelled by ${userId} before it started; nothing ran` };
}

/** The transcript builder's input for a request, with its outcome or the failure that ended it. */
export function transcriptInput(
  cluster: string | undefined,
  request: DebugRequest,
  outcome?: DebugOutcome,
  failure?: string,
) {
  return {
    request,
    ...(outcome ? { outcome } : {}),
    ...(failure ? { failure } : {}),
    ...(cluster ? { cluster } : {}),
    ...(request.approvedBy ? { approvers: request.approvedBy } : {}),
  };
}

/**
 * Posts the transcript once (recorded in the job's state before anything else, so a retry never posts
 * it twice) and shows the final status on the root message.
 */
export async function finishDebugJob(
  ctx: FinishingJob,
  notifier: ChatNotifier,
  rootId: string,
  transcript: Transcript,
  finalPhase?: RequestStatus['phase'],
): Promise<void> {
  const phase = finalPhase ?? (transcript.outcome === 'succeeded' ? 'done' : transcript.outcome);
  if (!ctx.state.transcriptPosted) {
    await notifier.postTranscript(ctx.request, rootId, transcript);
    await ctx.saveState({ transcriptPosted: true, finalPhase: phase });
  }
  await notifier.updateRoot(ctx.request, rootId, {
    phase,
    ...(transcript.reason ? { detail: transcript.reason } : {}),
  });
}
