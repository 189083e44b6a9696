import type { App } from '@slack/bolt';
import { toDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { readMentionText } from './read-mention-text.js';
import { renderRefusedReply } from './render-command-reply.js';
import { renderUsage } from './render-usage.js';
import { type ReplyTarget, sendReply } from './send-reply.js';
import type { SlackAppHandlers, SlackMentionInput } from './slack-app-handlers.js';
import type { SlackReply } from './slack-message.js';

/** Events we never answer: bots (no loops between bots) and edits (the original was answered). */
function isFromBotOrEdit(event: {
  bot_id?: string;
  subtype?: string;
  edited?: unknown;
  user?: string;
}): boolean {
  if (event.bot_id !== undefined || event.user === undefined || event.edited !== undefined) return true;
  return event.subtype === 'bot_message' || event.subtype === 'message_changed';
}

export interface EventListenerOptions {
  /** Without `onMention`, every mention is answered with the usage in its thread. */
  handlers?: Pick<SlackAppHandlers, 'onMention'>;
  logger?: Logger;
}

/**
 * `app_mention`: slash commands cannot be typed in threads, so `@bot debug …` works there with the same
 * grammar. The reply goes into the mention's thread; refusals go to the user alone. Mentions by bots
 * and edited messages are ignored. Bolt acks events before listeners run; failures here are only logged.
 */
export function registerEventListeners(app: App, options: EventListenerOptions = {}): void {
  const { logger } = options;
  app.event('app_mention', async ({ event, body, context, client }) => {
    if (isFromBotOrEdit(event)) return;
    const user = event.user!;
    const target: ReplyTarget = {
      channelId: event.channel,
      userId: user,
      threadTs: event.thread_ts ?? event.ts,
      ...(event.thread_ts ? { ephemeralThreadTs: event.thread_ts } : {}),
    };
    const onMention = options.handlers?.onMention;
    const asked = readMentionText(event.text, context.botUserId);

    let reply: SlackReply | undefined;
    if (!onMention) reply = renderUsage();
    else if (asked.kind === 'usage') reply = renderUsage(asked.problem);
    else {
      const input: SlackMentionInput = {
        text: asked.text,
        userId: user,
        teamId: body.team_id,
        channelId: event.channel,
        threadTs: target.threadTs!,
        eventId: body.event_id,
        ...(context.retryNum === undefined ? {} : { retryNum: context.retryNum }),
      };
      try {
        reply = await onMention(input);
      } catch (thrown) {
        const error = toDebugError(thrown);
        logger?.error({ err: error, code: error.code, eventId: body.event_id }, 'mention handler failed');
        reply = renderRefusedReply(error.userMessage);
      }
    }
    if (!reply) return;
    try {
      await sendReply(client, target, reply);
    } catch (error) {
      logger?.warn(
        { channelId: event.channel, eventId: body.event_id, detail: toDebugError(error).message },
        'reply to mention failed',
      );
    }
  });
}
