import type {
  AllMiddlewareArgs,
  BlockAction,
  BlockElementAction,
  RespondFn,
  SlackActionMiddlewareArgs,
  webApi,
} from '@slack/bolt';
import { type ApprovalDecision, isApprovalId } from '../core/approval-model.js';
import type { ApprovalCard } from '../core/describe-approval-card.js';
import { toDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { answerClicker, channelOf, clickerTarget, messageTsOf } from './answer-clicker.js';
import { APPROVAL_ACTION_PATTERN, readApprovalBlockId, renderApprovalCard } from './render-approval-card.js';
import { renderApprovalClickAnswer } from './render-command-reply.js';
import type { SlackAppHandlers, SlackApprovalDecisionInput } from './slack-app-handlers.js';
import { toChatError } from './to-chat-error.js';

export interface ApprovalListenerOptions {
  /** Without `onApprovalDecision`, a click is acked and answered "not available"; the card stays as it is. */
  handlers?: Pick<SlackAppHandlers, 'onApprovalDecision'>;
  logger?: Logger;
}

const NOT_OURS = 'This button does not belong to an approval the bot knows; nothing was decided or run.';
const NOT_AVAILABLE =
  'Approvals from Slack are not available in this deployment; nothing was decided or run.';

/** The click as the handler sees it, or why it cannot be read (a payload our cards never produce). */
export function readApprovalClick(
  body: BlockAction,
  action: BlockElementAction,
  contextTeamId?: string,
): { input: SlackApprovalDecisionInput } | { problem: string } {
  const decision = APPROVAL_ACTION_PATTERN.exec(action.action_id)?.[1] as ApprovalDecision | undefined;
  if (!decision) return { problem: 'unknown action' };
  const approvalId = action.type === 'button' ? action.value : undefined;
  if (approvalId === undefined || !isApprovalId(approvalId)) return { problem: 'bad approval id' };
  const teamId = body.user.team_id ?? body.team?.id ?? contextTeamId;
  const channelId = channelOf(body);
  const messageTs = messageTsOf(body);
  if (!teamId || !channelId || !messageTs) return { problem: 'no team, channel or message' };
  const shownDigest = readApprovalBlockId(action.block_id);
  return {
    input: {
      approvalId,
      decision,
      clicker: { userId: body.user.id, teamId },
      ...(shownDigest ? { shownDigest } : {}),
      channelId,
      messageTs,
    },
  };
}

/** Replaces the clicked card with its new state: `chat.update`, else `response_url` with `replace_original`. */
async function updateCardInPlace(
  client: webApi.WebClient,
  respond: RespondFn,
  at: { channelId: string; messageTs: string; approvalId: string },
  card: ApprovalCard,
  logger: Logger | undefined,
): Promise<void> {
  const message = renderApprovalCard(card);
  try {
    await client.chat.update({
      channel: at.channelId,
      ts: at.messageTs,
      text: message.text,
      blocks: message.blocks ?? [],
    });
    return;
  } catch (error) {
    logger?.warn(
      { approvalId: at.approvalId, detail: toChatError(error, 'chat.update').message },
      'approval card update failed; using response_url',
    );
  }
  try {
    await respond({ replace_original: true, text: message.text, blocks: message.blocks ?? [] });
  } catch (error) {
    logger?.warn({ approvalId: at.approvalId, err: toDebugError(error).code }, 'approval card not updated');
  }
}

/**
 * Approve / Deny / Cancel request on approval cards: acks at once, reads the click from the signed payload
 * (approval id from the button value, shown digest from the block id, the clicker's user and team ids),
 * asks the handler, then updates the card in place and/or answers the clicker alone. A click that cannot
 * be read never reaches the handler.
 */
export async function answerApprovalClick(
  { ack, body, action, client, respond, context }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs,
  options: ApprovalListenerOptions,
): Promise<void> {
  const { logger } = options;
  await ack();
  const target = clickerTarget(body);
  const tell = (text: string) =>
    answerClicker(client, respond, target, renderApprovalClickAnswer(text), logger);
  const click = readApprovalClick(body, action, context.teamId);
  if ('problem' in click) {
    logger?.warn({ userId: body.user.id, problem: click.problem }, 'approval click could not be read');
    return tell(NOT_OURS);
  }
  const onApprovalDecision = options.handlers?.onApprovalDecision;
  if (!onApprovalDecision) return tell(NOT_AVAILABLE);

  const { input } = click;
  let answer: Awaited<ReturnType<typeof onApprovalDecision>>;
  try {
    answer = await onApprovalDecision(input);
  } catch (thrown) {
    const error = toDebugError(thrown);
    logger?.error(
      { err: error, code: error.code, approvalId: input.approvalId, decision: input.decision },
      'approval decision handler failed',
    );
    return tell(error.userMessage);
  }
  if (answer.card && answer.card.approvalId !== input.approvalId) {
    logger?.error(
      { approvalId: input.approvalId, cardId: answer.card.approvalId },
      'handler answered with the card of another approval; card left as it is',
    );
  } else if (answer.card) {
    await updateCardInPlace(client, respond, input, answer.card, logger);
  }
  if (answer.ephemeral?.trim()) await tell(answer.ephemeral);
}
