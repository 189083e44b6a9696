import type { DecideApprovalResult } from '../core/decide-approval.js';
import { describeApprovalCard } from '../core/describe-approval-card.js';
import type { SlackApprovalAnswer } from './slack-app-handlers.js';

/**
 * What a click's outcome shows: a decision that changed the approval (approved, one more approval,
 * denied, cancelled, expired) redraws the card as of `now` and tells the clicker; a refusal, a missing
 * approval or an unavailable store only tells the clicker, leaving the card as it is.
 */
export function toSlackApprovalAnswer(result: DecideApprovalResult, now: Date): SlackApprovalAnswer {
  switch (result.status) {
    case 'approved':
    case 'approval_recorded':
    case 'denied':
    case 'cancelled':
    case 'expired':
      return { card: describeApprovalCard(result.approval, now), ephemeral: result.message };
    default:
      return { ephemeral: result.message };
  }
}
