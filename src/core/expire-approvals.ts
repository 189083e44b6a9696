import type { Approval } from './approval-model.js';
import type { ApprovalAuditLog, ApprovalStore } from './approval-ports.js';
import { buildApprovalAudit } from './build-approval-audit.js';
import type { DebugRequest } from './model.js';
import type { Clock, Logger } from './ports.js';

export interface SweepDeps {
  store: ApprovalStore;
  audit: ApprovalAuditLog;
  logger: Logger;
  /** Same as decideApproval's: idempotent per request id. */
  enqueue: (request: DebugRequest, approval: Approval) => Promise<unknown>;
  /** Updates the card of an approval this sweep expired (chat layer). Failures are logged, not retried. */
  onExpired?: (approval: Approval) => Promise<void>;
  /** An approved request not marked enqueued after this long is enqueued again (default 30 s). */
  requeueAfterMs?: number;
  /** Most records handled per kind and sweep (default 100). */
  batchSize?: number;
}

export interface SweepResult {
  expired: Approval[];
  requeued: string[];
}

/**
 * Periodic clean-up, safe to run on every replica at once: closes pending approvals past their
 * expiry (each by one atomic transition, so exactly one replica updates each card) and re-enqueues
 * approved requests whose enqueue failed. Clicks expire approvals lazily as well; this keeps cards honest.
 */
export async function sweepExpiredApprovals(now: Date, deps: SweepDeps): Promise<SweepResult> {
  const limit = deps.batchSize ?? 100;
  const expired: Approval[] = [];
  for (const approvalId of await deps.store.findExpired(now, limit)) {
    const result = await deps.store.transition({ kind: 'expire', approvalId, now });
    if (result.outcome !== 'expired' || !result.changed) continue;
    expired.push(result.approval);
    await deps.audit.record(
      buildApprovalAudit(result.approval.request, result.approval.digest, 'expired', { reason: 'sweep' }),
    );
    await deps
      .onExpired?.(result.approval)
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, approvalId }, 'could not update an expired approval card'),
      );
  }

  const requeued: string[] = [];
  const approvedBefore = new Date(now.getTime() - (deps.requeueAfterMs ?? 30_000));
  for (const approvalId of await deps.store.findUnqueued(approvedBefore, limit)) {
    const approval = await deps.store.get(approvalId);
    if (approval?.state !== 'approved') {
      await deps.store.markEnqueued(approvalId, now);
      continue;
    }
    try {
      await deps.enqueue(approval.request, approval);
    } catch (error) {
      deps.logger.warn({ err: error, approvalId }, 'enqueue of an approved request failed again');
      continue;
    }
    await deps.store.markEnqueued(approvalId, now);
    await deps.audit.record(buildApprovalAudit(approval.request, approval.digest, 'approval_requeued'));
    requeued.push(approvalId);
  }
  return { expired, requeued };
}

/**
 * Runs {@link sweepExpiredApprovals} every `intervalMs` (never two at once in this process).
 * `stop()` clears the timer and waits for a sweep in flight.
 */
export function startApprovalSweeper(deps: SweepDeps & { clock: Clock; intervalMs: number }): {
  stop(): Promise<void>;
} {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepExpiredApprovals(deps.clock.now(), deps)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'approval sweep failed'))
      .finally(() => {
        running = undefined;
      });
  }, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
