import type { App, BlockAction, BlockElementAction, RespondFn, webApi } from '@slack/bolt';
import { toDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { renderCancelRefusedReply } from './render-command-reply.js';
import { CANCEL_ACTION_ID } from './render-root-message.js';
import { type ReplyTarget, sendEphemeral } from './send-reply.js';
import type { SlackAppHandlers, SlackCancelInput } from './slack-app-handlers.js';
import type { SlackReply } from './slack-message.js';

export interface ActionListenerOptions {
  /** Without `onCancel`, a click is answered "not available" (the button is still acked). */
  handlers?: Pick<SlackAppHandlers, 'onCancel'>;
  logger?: Logger;
}

const REQUEST_ID = /^[a-z0-9]{4,64}$/;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function channelOf(body: BlockAction): string | undefined {
  return body.channel?.id ?? text(body.container.channel_id);
}

function messageTsOf(body: BlockAction): string | undefined {
  return body.message?.ts ?? text(body.container.message_ts);
}

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

/**
 * Where the clicker is looking: the thread when the clicked message is itself a thread reply, else the
 * channel (a top-level root's `thread_ts` is its own `ts` once it has replies; that thread may be closed).
 */
function clickerTarget(body: BlockAction): ReplyTarget | undefined {
  const channelId = channelOf(body);
  if (!channelId) return undefined;
  const threadTs = text(body.message?.thread_ts) ?? text(body.container.thread_ts);
  const inThread = threadTs !== undefined && threadTs !== messageTsOf(body);
  return { channelId, userId: body.user.id, ...(inThread ? { ephemeralThreadTs: threadTs } : {}) };
}

/** Ephemeral to the clicker (in the message's thread when it is a reply); `response_url` when that fails. */
async function answerClicker(
  client: webApi.WebClient,
  respond: RespondFn,
  target: ReplyTarget | undefined,
  reply: SlackReply,
  logger: Logger | undefined,
): Promise<void> {
  if (target) {
    try {
      await sendEphemeral(client, target, reply);
      return;
    } catch (error) {
      logger?.warn(
        { detail: toDebugError(error).message },
        'ephemeral answer to a click failed; using response_url',
      );
    }
  }
  try {
    const blocks = reply.blocks ? { blocks: reply.blocks } : {};
    await respond({ response_type: 'ephemeral', replace_original: false, text: reply.text, ...blocks });
  } catch (error) {
    logger?.warn({ err: toDebugError(error).code }, 'answer to a click via response_url failed');
  }
}

/**
 * The Cancel button on root messages: acks at once, then asks the handler (which decides who may cancel
 * and whether the request is still running) and shows its answer to the clicker only.
 */
export function registerActionListeners(app: App, options: ActionListenerOptions = {}): void {
  const { logger } = options;
  app.action<BlockAction>(
    { type: 'block_actions', action_id: CANCEL_ACTION_ID },
    async ({ ack, body, action, client, respond, context }) => {
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
    },
  );
}
