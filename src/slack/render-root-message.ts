import type { DebugRequest, RequestPhase, RequestStatus } from '../core/model.js';
import {
  escapeSlackText,
  formatCodeBlock,
  formatInlineCode,
  formatUserMention,
  quoteArgv,
  truncateForSlack,
  truncateText,
} from './escape-slack-text.js';
import { context, mrkdwn, plainText, type SlackBlock, type SlackMessage, section } from './slack-message.js';

/** Emoji and label per phase, shown on the root message. */
export const PHASE_LABELS: Record<RequestPhase, { emoji: string; label: string }> = {
  queued: { emoji: ':hourglass_flowing_sand:', label: 'Queued' },
  creating: { emoji: ':hammer_and_wrench:', label: 'Creating debug container' },
  pulling: { emoji: ':arrow_down:', label: 'Pulling image' },
  running: { emoji: ':runner:', label: 'Running' },
  collecting: { emoji: ':inbox_tray:', label: 'Collecting output' },
  done: { emoji: ':white_check_mark:', label: 'Done' },
  failed: { emoji: ':x:', label: 'Failed' },
  cancelled: { emoji: ':no_entry_sign:', label: 'Cancelled' },
};

/** `action_id` of the Cancel button on a root message; its `value` is the request id and nothing else. */
export const CANCEL_ACTION_ID = 'debug_cancel';

/** Phases after which nothing changes any more. */
export function isFinalPhase(phase: RequestPhase): boolean {
  return phase === 'done' || phase === 'failed' || phase === 'cancelled';
}

const COMMANDS_BUDGET = 2500;
const DETAIL_BUDGET = 500;

function describeTarget(request: DebugRequest): string {
  const { target } = request;
  const what = target.kind === 'pod' ? target.name : `${target.kind}/${target.name}`;
  return formatInlineCode(truncateText(`${target.namespace}/${what}`, 300));
}

function renderCommands(commands: string[][]): string {
  if (commands.length === 0) return '_no commands_';
  const lines = commands.map((argv) => `$ ${quoteArgv(argv)}`).join('\n');
  return formatCodeBlock(truncateForSlack(lines, COMMANDS_BUDGET));
}

/** The status line: emoji, phase label and (escaped) detail. */
export function renderStatusLine(status: RequestStatus): string {
  const { emoji, label } = PHASE_LABELS[status.phase];
  const detail = status.detail ? ` — ${escapeSlackText(truncateForSlack(status.detail, DETAIL_BUDGET))}` : '';
  return `${emoji} *${label}*${detail}`;
}

/** The Cancel button (danger style, behind a confirm dialog). The id is the only request data it carries. */
export function renderCancelButton(requestId: string): SlackBlock {
  return {
    type: 'actions',
    block_id: 'debug_request_controls',
    elements: [
      {
        type: 'button',
        action_id: CANCEL_ACTION_ID,
        text: plainText('Cancel'),
        value: requestId,
        style: 'danger',
        accessibility_label: 'Cancel this debug request',
        confirm: {
          title: plainText('Cancel this debug request?'),
          text: plainText(
            `Request ${truncateText(requestId, 64)} will be stopped: commands not yet started are skipped. ` +
              'The debug container cannot be removed; it stays in the pod until the pod is replaced.',
          ),
          confirm: plainText('Cancel request'),
          deny: plainText('Keep it running'),
          style: 'danger',
        },
      },
    ],
  };
}

/**
 * The request's root message: who asked, what will run where, and the live status. Updated in place
 * with `chat.update` as the phase changes. All request text is escaped; only the requester is a mention.
 * Until the phase is final it carries a Cancel button; the final update removes it.
 */
export function renderRootMessage(request: DebugRequest, status: RequestStatus): SlackMessage {
  const { target } = request;
  const fields = [
    `*Target*\n${describeTarget(request)}`,
    `*Container*\n${target.container ? formatInlineCode(truncateText(target.container, 100)) : '_default_'}`,
    `*Image*\n${formatInlineCode(request.image)}`,
    `*Profile*\n${request.profile ? formatInlineCode(request.profile) : '_automatic_'}`,
  ];
  const { label } = PHASE_LABELS[status.phase];
  const fallback = `Debug request ${request.id} for ${target.namespace}/${target.name}: ${label}`;
  return {
    text: escapeSlackText(truncateText(fallback, 400)),
    blocks: [
      section(
        `:mag: *Debug request* ${formatInlineCode(request.id)} from ${formatUserMention(request.requester.userId)}`,
      ),
      { type: 'section', fields: fields.map((f) => mrkdwn(f)) },
      section(`*Commands*\n${renderCommands(request.commands)}`),
      section(renderStatusLine(status)),
      ...(isFinalPhase(status.phase) ? [] : [renderCancelButton(request.id)]),
      context(`Request ${formatInlineCode(request.id)} · accepted ${escapeSlackText(request.createdAt)}`),
    ],
  };
}
