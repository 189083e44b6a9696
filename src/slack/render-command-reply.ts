import type { ApproverSpec } from '../core/approval-model.js';
import { escapeSlackText, formatInlineCode, truncateForSlack } from './escape-slack-text.js';
import { formatApprovers } from './format-approvers.js';
import { formatNoticeText } from './render-notice.js';
import { type SlackReply, section } from './slack-message.js';

function reply(emoji: string, text: string, ephemeral = false): SlackReply {
  return { text, blocks: [section(`${emoji} ${text}`)], ...(ephemeral ? { ephemeral } : {}) };
}

/** The ack for an accepted request: the transcript will follow in a thread. */
export function renderQueuedReply(requestId: string): SlackReply {
  return reply(
    ':hourglass_flowing_sand:',
    `Queued as ${formatInlineCode(requestId)}; the output will follow in a thread.`,
  );
}

/** The ack for a redelivered or repeated request that is already queued (to the requester only). */
export function renderDuplicateReply(requestId: string): SlackReply {
  return reply(
    ':repeat:',
    `Already queued as ${formatInlineCode(requestId)}; nothing new was started.`,
    true,
  );
}

/** The ack for a request that needs approval first. */
export function renderPendingApprovalReply(requestId: string): SlackReply {
  return reply(
    ':lock:',
    `Request ${formatInlineCode(requestId)} needs approval; nothing runs until it is approved.`,
  );
}

/**
 * The ack for a production request whose approval card was posted: who can approve, how many are needed.
 * To the requester only; approver mentions render as names (an ephemeral message notifies nobody).
 */
export function renderApprovalPendingReply(
  requestId: string,
  approvers: ApproverSpec,
  approvalsRequired = 1,
): SlackReply {
  const needed = approvalsRequired === 1 ? 'one approval' : `${approvalsRequired} approvals`;
  return reply(
    ':lock:',
    `Request ${formatInlineCode(requestId)} targets production and needs ${needed} from ${formatApprovers(approvers)}. ` +
      'The approval card is posted in this channel; nothing runs until it is approved. You can cancel it there.',
    true,
  );
}

/**
 * A short answer to an approval-card click, for the clicker only. The text is escaped; only user
 * mentions written as `<@U…>` stay live (e.g. "already approved by <@U1>").
 */
export function renderApprovalClickAnswer(text: string): SlackReply {
  const shown = formatNoticeText(text);
  return { text: shown, blocks: [section(shown)], ephemeral: true };
}

/**
 * The ack when policy, validation or an unavailable backend refused the request (`reason` is safe text).
 * Shown to the requester only, also when answering a mention.
 */
export function renderRefusedReply(reason: string): SlackReply {
  return reply(':no_entry:', `Not started: ${escapeSlackText(truncateForSlack(reason, 2000))}`, true);
}

/** The answer to a Cancel click the core accepted: the root message shows when it has stopped. */
export function renderCancelRequestedReply(requestId: string): SlackReply {
  return reply(
    ':octagonal_sign:',
    `Cancelling ${formatInlineCode(requestId)}; its message will say when it has stopped.`,
    true,
  );
}

/** The answer to a Cancel click that was refused (not allowed, already finished…; `reason` is safe text). */
export function renderCancelRefusedReply(reason: string): SlackReply {
  return reply(':no_entry:', `Not cancelled: ${escapeSlackText(truncateForSlack(reason, 2000))}`, true);
}

/** The ack sent when the handler did not answer in time; its answer follows via `response_url`. */
export function renderStillWorkingReply(): SlackReply {
  return reply(':hourglass:', 'Still checking your request; the answer will follow here in a moment.');
}
