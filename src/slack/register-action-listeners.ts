import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  BlockElementAction,
  SlackActionMiddlewareArgs,
} from '@slack/bolt';
import { toDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { answerApprovalClick } from './answer-approval-click.js';
import { answerClicker, channelOf, clickerTarget, messageTsOf } from './answer-clicker.js';
import { APPROVAL_ACTION_PATTERN } from './render-approval-card.js';
import { renderCancelRefusedReply } from './render-command-reply.js';
import { CANCEL_ACTION_ID } from './render-root-message.js';
import type { SlackAppHandlers, SlackCancelInput } from './slack-app-handlers.js';
import type { SlackReply } from './slack-message.js';

export interface ActionListenerOptions {
  /** Without `onCancel` / `onApprovalDecision`, a click is answered "not available" (and still acked). */
  handlers?: Pick<SlackAppHandlers, 'onCancel' | 'onApprovalDecision'>;
  logger?: Logger;
}

const REQUEST_ID = /^[a-z0-9]{4,64}$/;

/** The click as the handler sees it, or why it cannot be read (a payload we never produce). */
function readCancelClick(
  body: BlockAction,
  action: BlockElementAction,
  teamId: string | undefined,
): { input: SlackCancelInput } | { problem: string } {
  const requestId = action.type === 'button' ? action.value : undefined;
  if (requestId === undefined || !REQUEST_ID.test(requestId)) return { problem: 'bad request id' };
  const channelId = channelOf(body);
  const messageTs = messageTsOf(body);
  const team = body.team?.id ?? body.user.team_id ?? teamId;
  if (!channelId || !messageTs || !team) return { problem: 'no channel, message or team' };
  return { input: { requestId, userId: body.user.id, teamId: team, channelId, messageTs } };
}

type ClickArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/**
 * The Cancel button on root messages: acks at once, then asks the handler (which decides who may cancel
 * and whether the request is still running) and shows its answer to the clicker only.
 */
async function answerCancelClick(
  { ack, body, action, client, respond, context }: ClickArgs,
  options: ActionListenerOptions,
): Promise<void> {
  const { logger } = options;
  await ack();
  const click = readCancelClick(body, action, context.teamId);
  const target = clickerTarget(body);
  let reply: SlackReply;
  if ('problem' in click) {
    logger?.warn({ userId: body.user.id, problem: click.problem }, 'cancel click could not be read');
    reply = renderCancelRefusedReply('this button does not belong to a request the bot knows.');
  } else if (!options.handlers?.onCancel) {
    reply = renderCancelRefusedReply('cancelling from Slack is not available in this deployment.');
  } else {
    try {
      reply = await options.handlers.onCancel(click.input);
    } catch (thrown) {
      const error = toDebugError(thrown);
      logger?.error(
        { err: error, code: error.code, requestId: click.input.requestId },
        'cancel handler failed',
      );
      reply = renderCancelRefusedReply(error.userMessage);
    }
  }
  await answerClicker(client, respond, target, reply, logger);
}

// Every button the bot renders: Cancel on root messages, Approve / Deny / Cancel request on approval cards.
const OUR_ACTIONS = new RegExp(`^(?:${CANCEL_ACTION_ID}|${APPROVAL_ACTION_PATTERN.source.slice(1, -1)})$`);

/**
 * One Bolt listener for all of the bot's buttons, dispatched by action id. One, not one per kind: Bolt
 * runs every listener's middleware for every request it receives (slash commands included), and on
 * Node 20 each costs about 9 µs per request (README, Benchmarks).
 */
export function registerActionListeners(app: App, options: ActionListenerOptions = {}): void {
  app.action<BlockAction>({ type: 'block_actions', action_id: OUR_ACTIONS }, (args) =>
    args.action.action_id === CANCEL_ACTION_ID
      ? answerCancelClick(args, options)
      : answerApprovalClick(args, options),
  );
}
