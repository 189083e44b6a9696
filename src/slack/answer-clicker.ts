import type { BlockAction, RespondFn, webApi } from '@slack/bolt';
import { toDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { type ReplyTarget, sendEphemeral } from './send-reply.js';
import type { SlackReply } from './slack-message.js';

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The conversation of the clicked message. */
export function channelOf(body: BlockAction): string | undefined {
  return body.channel?.id ?? text(body.container.channel_id);
}

/** The `ts` of the clicked message (absent for ephemeral messages). */
export function messageTsOf(body: BlockAction): string | undefined {
  return body.message?.ts ?? text(body.container.message_ts);
}

/**
 * Where the clicker is looking: the thread when the clicked message is itself a thread reply, else the
 * channel (a top-level root's `thread_ts` is its own `ts` once it has replies; that thread may be closed).
 */
export function clickerTarget(body: BlockAction): ReplyTarget | undefined {
  const channelId = channelOf(body);
  if (!channelId) return undefined;
  const threadTs = text(body.message?.thread_ts) ?? text(body.container.thread_ts);
  const inThread = threadTs !== undefined && threadTs !== messageTsOf(body);
  return { channelId, userId: body.user.id, ...(inThread ? { ephemeralThreadTs: threadTs } : {}) };
}

/** Ephemeral to the clicker (in the message's thread when it is a reply); `response_url` when that fails. */
export async function answerClicker(
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
