import type { AuditLog, RequestControl } from './ports.js';

export interface CancelInput {
  requestId: string;
  userId: string;
  teamId: string;
}

export interface CancelDeps {
  control: RequestControl;
  audit: AuditLog;
  /** Approvers of the request (besides the requester) may cancel too, as `teamId:userId` keys. */
  approversOf?: (requestId: string) => Promise<string[]>;
}

/** Human answer for the person who clicked Cancel. */
export interface CancelAnswer {
  ok: boolean;
  message: string;
}

/**
 * Cancel from chat: only the requester (or an approver) may; queued → nothing runs; running → the
 * worker stops waiting and posts what it collected. A process inside an ephemeral container cannot
 * be killed through the Kubernetes API, so the answer says so.
 */
export async function cancelDebugRequest(input: CancelInput, deps: CancelDeps): Promise<CancelAnswer> {
  const request = await deps.control.find(input.requestId);
  const base = { requestId: input.requestId, userId: input.userId, teamId: input.teamId };
  if (!request) {
    await deps.audit.record({ ...base, event: 'cancel_refused', reason: 'not_found' });
    return { ok: false, message: 'That request is no longer known (finished long ago or never queued).' };
  }
  const approvers = deps.approversOf ? await deps.approversOf(input.requestId) : [];
  const allowed =
    (request.requester.userId === input.userId && request.requester.teamId === input.teamId) ||
    approvers.includes(`${input.teamId}:${input.userId}`);
  if (!allowed) {
    await deps.audit.record({ ...base, event: 'cancel_refused', reason: 'not_requester' });
    return {
      ok: false,
      message: 'Only the person who asked for this request (or an approver) can cancel it.',
    };
  }
  const result = await deps.control.cancel(input.requestId, input.userId);
  if (result.status !== 'cancelled') {
    await deps.audit.record({ ...base, event: 'cancel_refused', reason: result.status });
    return result.status === 'already_finished'
      ? { ok: false, message: 'That request has already finished; there is nothing left to cancel.' }
      : { ok: false, message: 'That request is no longer known (finished long ago or never queued).' };
  }
  await deps.audit.record({ ...base, event: 'cancelled', reason: result.wasRunning ? 'running' : 'queued' });
  return {
    ok: true,
    message: result.wasRunning
      ? 'Cancelled: the bot stopped waiting and will post what it collected. A process already started inside an ephemeral container cannot be killed through the Kubernetes API; it may run on until it ends.'
      : 'Cancelled before it started; nothing ran.',
  };
}
