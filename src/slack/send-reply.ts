import type { WebClient } from '@slack/web-api';
import type { SlackReply } from './slack-message.js';
import { toChatError } from './to-chat-error.js';

/** Where a listener's answer goes. */
export interface ReplyTarget {
  channelId: string;
  /** Who asked: the only one who sees an ephemeral answer. */
  userId: string;
  /** Thread for a public answer (required for those). */
  threadTs?: string;
  /**
   * Thread for an ephemeral answer: only a thread that already has replies, because Slack shows
   * ephemeral messages in a thread only when the thread exists. Otherwise it appears in the channel.
   */
  ephemeralThreadTs?: string;
}

/** Posts `reply` in the thread for everyone, or to the user alone when `reply.ephemeral` is set. */
export async function sendReply(client: WebClient, target: ReplyTarget, reply: SlackReply): Promise<void> {
  if (reply.ephemeral || target.threadTs === undefined) return sendEphemeral(client, target, reply);
  try {
    await client.chat.postMessage({
      channel: target.channelId,
      thread_ts: target.threadTs,
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
  } catch (error) {
    throw toChatError(error, 'chat.postMessage');
  }
}

/** Posts `reply` so only `target.userId` sees it. */
export async function sendEphemeral(
  client: WebClient,
  target: ReplyTarget,
  reply: SlackReply,
): Promise<void> {
  try {
    await client.chat.postEphemeral({
      channel: target.channelId,
      user: target.userId,
      text: reply.text,
      ...(reply.blocks ? { blocks: reply.blocks } : {}),
      ...(target.ephemeralThreadTs ? { thread_ts: target.ephemeralThreadTs } : {}),
    });
  } catch (error) {
    throw toChatError(error, 'chat.postEphemeral');
  }
}
