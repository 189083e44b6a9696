import type { ApprovalState } from '../core/approval-model.js';
import type { ApprovalCard } from '../core/describe-approval-card.js';
import type { TargetRef } from '../core/model.js';
import {
  escapeSlackText,
  formatInlineCode,
  neutraliseCodeFences,
  truncateForSlack,
  truncateText,
} from './escape-slack-text.js';
import { formatApprovers, listMentions, mentionSlackUser } from './format-approvers.js';
import { type ApprovalCommandBudget, renderApprovalCommands } from './render-approval-commands.js';
import { context, mrkdwn, plainText, type SlackBlock, type SlackMessage, section } from './slack-message.js';

/** `action_id`s of the card's buttons; each button's `value` is the approval id and nothing else. */
export const APPROVAL_ACTION_IDS = {
  approve: 'debug_approval_approve',
  deny: 'debug_approval_deny',
  cancel: 'debug_approval_cancel',
} as const;

/** Matches the three button `action_id`s; group 1 is the decision. */
export const APPROVAL_ACTION_PATTERN = /^debug_approval_(approve|deny|cancel)$/;

/** Prefix of the actions block's `block_id`; the full request digest follows it. */
export const APPROVAL_BLOCK_PREFIX = 'debug_approval:';

/** The actions block id that carries the digest the card showed back on a click. */
export function approvalBlockId(digest: string): string {
  return `${APPROVAL_BLOCK_PREFIX}${digest}`;
}

const DIGEST = /^[0-9a-f]{16,128}$/;

/** The digest a clicked card showed, from its actions `block_id`; undefined for any other id. */
export function readApprovalBlockId(blockId: string | undefined): string | undefined {
  if (!blockId?.startsWith(APPROVAL_BLOCK_PREFIX)) return undefined;
  const digest = blockId.slice(APPROVAL_BLOCK_PREFIX.length);
  return DIGEST.test(digest) ? digest : undefined;
}

const STATE_LABELS: Record<ApprovalState, { emoji: string; label: string }> = {
  pending: { emoji: ':lock:', label: 'Approval needed' },
  approved: { emoji: ':white_check_mark:', label: 'Approved' },
  denied: { emoji: ':no_entry:', label: 'Denied' },
  expired: { emoji: ':hourglass:', label: 'Expired' },
  cancelled: { emoji: ':no_entry_sign:', label: 'Cancelled' },
};

/** A time Slack shows in each reader's own time zone, with a UTC fallback; plain escaped text if unparsable. */
export function formatSlackTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeSlackText(truncateText(iso, 40));
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

function describeTarget(target: TargetRef): string {
  const what =
    target.kind === 'pod'
      ? target.name
      : target.kind === 'selector'
        ? `selector ${target.name}`
        : `${target.kind}/${target.name}`;
  const shown = formatInlineCode(truncateForSlack(`${target.namespace}/${what}`, 300));
  return target.kind === 'pod' ? shown : `${shown}\n_one pod, picked when it runs_`;
}

function renderFields(card: ApprovalCard): SlackBlock {
  const { target } = card;
  const fields = [
    `*Cluster*\n${card.cluster ? formatInlineCode(truncateForSlack(card.cluster, 100)) : '_not named_'}`,
    `*Target*\n${describeTarget(target)}`,
    `*Container*\n${target.container ? formatInlineCode(truncateForSlack(target.container, 100)) : "_the pod's first container_"}`,
    `*Image*\n${formatInlineCode(truncateForSlack(card.image, 300))}`,
    `*Profile*\n${card.profile ? formatInlineCode(card.profile) : '_chosen at run time_'}`,
  ];
  return { type: 'section', fields: fields.map((f) => mrkdwn(f)) };
}

/** User text as a block quote: escaped, so it can neither mention anyone nor pass for the card's own lines. */
function quoteText(text: string, maxEscaped: number, maxLines: number): string {
  const lines = truncateForSlack(text, maxEscaped).split(/\r?\n/);
  const kept = lines.slice(0, maxLines);
  if (lines.length > maxLines) kept.push('…');
  return kept.map((line) => `>${neutraliseCodeFences(escapeSlackText(line))}`).join('\n');
}

function renderReason(card: ApprovalCard): SlackBlock {
  return section(
    `*Reason given by the requester*\n${card.reason ? quoteText(card.reason, 1000, 12) : '_none given_'}`,
  );
}

function renderProductionReasons(card: ApprovalCard): SlackBlock {
  const reasons = card.productionReasons
    .slice(0, 8)
    .map((r) => `• ${neutraliseCodeFences(escapeSlackText(truncateForSlack(r, 150)))}`);
  if (card.productionReasons.length > 8) reasons.push(`• _and ${card.productionReasons.length - 8} more_`);
  return section(`*Why approval is needed*\n${reasons.join('\n') || '• _the target counts as production_'}`);
}

function renderApprovals(card: ApprovalCard): SlackBlock {
  const approvedBy = card.approvedBy.map(mentionSlackUser);
  const count = `${card.approvedBy.length} of ${card.approvalsRequired}`;
  return section(
    `*Approvers* (${card.approvalsRequired} needed): ${formatApprovers(card.approvers)}\n` +
      `*Approvals so far*: ${count}${approvedBy.length > 0 ? ` — ${listMentions(approvedBy)}` : ''}`,
  );
}

function renderStatus(card: ApprovalCard): string {
  const { emoji, label } = STATE_LABELS[card.state];
  const by = card.decidedBy ? ` by ${mentionSlackUser(card.decidedBy)}` : '';
  const at = card.decidedAt ? ` (${formatSlackTime(card.decidedAt)})` : '';
  switch (card.state) {
    case 'pending': {
      const remaining = card.approvalsRequired - card.approvedBy.length;
      const waiting =
        card.approvedBy.length > 0
          ? `${card.approvedBy.length} of ${card.approvalsRequired} approvals in; waiting for ${remaining} more`
          : `Waiting for ${card.approvalsRequired === 1 ? 'an approval' : `${card.approvalsRequired} approvals`}`;
      return (
        `:hourglass_flowing_sand: *${waiting}.* Nothing runs until then.\n` +
        `Expires ${formatSlackTime(card.expiresAt)} (in ${card.minutesLeft} min).`
      );
    }
    case 'approved':
      return `${emoji} *${label}*${by}${at}. It runs exactly as shown above.`;
    case 'denied':
      return `${emoji} *${label}*${by}${at}. Nothing was run.`;
    case 'cancelled':
      return `${emoji} *${label}*${card.decidedBy ? ` by the requester, ${mentionSlackUser(card.decidedBy)}` : ''}${at}. Nothing was run.`;
    case 'expired':
      return `${emoji} *${label}* (${formatSlackTime(card.decidedAt ?? card.expiresAt)}) with ${card.approvedBy.length} of ${card.approvalsRequired} approvals. Nothing was run.`;
  }
}

function renderButtons(card: ApprovalCard): SlackBlock {
  const commands = card.commands.length === 1 ? 'command' : `${card.commands.length} commands`;
  return {
    type: 'actions',
    block_id: approvalBlockId(card.digest),
    elements: [
      {
        type: 'button',
        action_id: APPROVAL_ACTION_IDS.approve,
        text: plainText('Approve'),
        value: card.approvalId,
        style: 'primary',
        accessibility_label: 'Approve this debug request',
        confirm: {
          title: plainText('Approve this request?'),
          text: plainText(
            `The ${commands} on this card will run in production exactly as shown (digest ${card.shortDigest}) ` +
              `once ${card.approvalsRequired === 1 ? 'you approve' : `${card.approvalsRequired} approvers agree`}.`,
          ),
          confirm: plainText('Approve'),
          deny: plainText('Back'),
        },
      },
      {
        type: 'button',
        action_id: APPROVAL_ACTION_IDS.deny,
        text: plainText('Deny'),
        value: card.approvalId,
        style: 'danger',
        accessibility_label: 'Deny this debug request',
      },
      {
        type: 'button',
        action_id: APPROVAL_ACTION_IDS.cancel,
        text: plainText('Cancel request'),
        value: card.approvalId,
        accessibility_label: 'Withdraw your own debug request',
        confirm: {
          title: plainText('Withdraw this request?'),
          text: plainText(
            'Only the requester can cancel. Nothing will run; run /debug again if you need it.',
          ),
          confirm: plainText('Cancel request'),
          deny: plainText('Keep it'),
          style: 'danger',
        },
      },
    ],
  };
}

function renderNotes(
  card: ApprovalCard,
  shortened: number,
  omitted: number,
  standIns: boolean,
): SlackBlock[] {
  const notes: string[] = [];
  if (shortened > 0 || omitted > 0) {
    const parts = [
      ...(shortened > 0 ? [`${shortened} shortened`] : []),
      ...(omitted > 0 ? [`${omitted} not shown`] : []),
    ];
    notes.push(
      `:scissors: Commands ${parts.join(', ')} to fit in Slack. The approval covers the full request ` +
        `(digest ${formatInlineCode(card.shortDigest)}); ask the requester for the full commands before approving.`,
    );
  }
  if (standIns) {
    notes.push(
      ':eyes: Some arguments hold line breaks, control, invisible or ``` characters, shown here as visible ' +
        'stand-ins (␊, ␀…, ⟦U+…⟧, ˋˋˋ). What runs is the exact argv the digest covers.',
    );
  }
  return notes.length > 0 ? [context(...notes)] : [];
}

function fallbackText(card: ApprovalCard): string {
  const { target } = card;
  const where = escapeSlackText(truncateForSlack(`${target.namespace}/${target.name}`, 200));
  const requester = mentionSlackUser(card.requester);
  const id = escapeSlackText(truncateText(card.approvalId, 64));
  if (card.state === 'pending') {
    return `Approval needed from ${formatApprovers(card.approvers, 10)}: debug request ${id} by ${requester} on ${where}`;
  }
  return `Debug request ${id} on ${where}: ${STATE_LABELS[card.state].label.toLowerCase()}`;
}

/**
 * The approval card for a production debug request, pure: who asks, what runs where (each argv exactly,
 * escaped, in code blocks), why, who may approve and how far it got, when it expires, and — once
 * decided — who decided. While pending it carries Approve / Deny / Cancel request buttons whose value is
 * the approval id only; their block id carries the full digest so a click binds to what was shown.
 * Every section stays within Slack's limits; commands that do not fit are cut with a note.
 */
export function renderApprovalCard(
  card: ApprovalCard,
  options: { commandBudget?: ApprovalCommandBudget } = {},
): SlackMessage {
  const { emoji, label } = STATE_LABELS[card.state];
  const heading = `*Commands* — ${card.commands.length}, run in order exactly as shown`;
  const commands = renderApprovalCommands(card.commands, heading, options.commandBudget);
  const showButtons = card.buttons && card.state === 'pending';
  const blocks: SlackBlock[] = [
    section(
      `${emoji} *${label}:* production debug request ${formatInlineCode(truncateText(card.approvalId, 64))} from ${mentionSlackUser(card.requester)}`,
    ),
    renderFields(card),
    ...commands.blocks,
    ...renderNotes(card, commands.shortened, commands.omitted, commands.standIns),
    renderReason(card),
    renderProductionReasons(card),
    renderApprovals(card),
    section(renderStatus(card)),
    ...(showButtons ? [renderButtons(card)] : []),
    context(
      `Request ${formatInlineCode(truncateText(card.approvalId, 64))} · digest ${formatInlineCode(card.shortDigest)} · ` +
        `requested ${formatSlackTime(card.createdAt)} · approvers approve or deny; only the requester can cancel; ` +
        'nobody approves their own request',
    ),
  ];
  return { text: truncateText(fallbackText(card), 3000), blocks };
}
