import type { WebClient } from '@slack/web-api';
import type { ChannelPacer } from './create-channel-pacer.js';
import { decodeSlackText } from './escape-slack-text.js';
import type { SlackBlock, SlackFile, SlackMessage } from './slack-message.js';
import { SHAPE_ERRORS, slackErrorCode, toChatError } from './to-chat-error.js';

/** A thread to post into: the channel and the parent message's `ts`. */
export interface ThreadRef {
  channelId: string;
  threadTs: string;
}

/** Uploads one file into a thread (`files.getUploadURLExternal` → upload → `files.completeUploadExternal`). */
export async function uploadFileToThread(
  client: WebClient,
  thread: ThreadRef,
  file: SlackFile,
  pacer?: ChannelPacer,
): Promise<void> {
  await pacer?.acquire(thread.channelId);
  try {
    await client.filesUploadV2({
      channel_id: thread.channelId,
      thread_ts: thread.threadTs,
      content: file.content,
      filename: file.filename,
      title: file.title,
    });
  } catch (error) {
    throw toChatError(error, 'files.uploadV2');
  }
}

/** The text a block shows, unescaped: what goes into a file when no message can carry it. */
export function blocksToPlainText(blocks: readonly SlackBlock[]): string {
  const parts: string[] = [];
  for (const block of blocks) {
    if (block.type === 'section') {
      if (block.text) parts.push(block.text.text);
      for (const field of block.fields ?? []) parts.push(field.text);
    } else if (block.type === 'context') {
      for (const element of block.elements) if ('text' in element) parts.push(element.text);
    }
  }
  return decodeSlackText(parts.join('\n\n'));
}

/**
 * Posts a message as a reply in a thread. When Slack refuses its size or shape (`msg_too_long`,
 * `msg_blocks_too_long`, `invalid_blocks`) the blocks are halved and posted in order; a single block
 * Slack still refuses goes out as a text file. Nothing is dropped.
 */
export async function postInThread(
  client: WebClient,
  thread: ThreadRef,
  message: SlackMessage,
  fallbackFilename: string,
  pacer?: ChannelPacer,
): Promise<void> {
  await pacer?.acquire(thread.channelId);
  try {
    await client.chat.postMessage({
      channel: thread.channelId,
      thread_ts: thread.threadTs,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      unfurl_links: false,
      unfurl_media: false,
    });
    return;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === undefined || !SHAPE_ERRORS.has(code)) throw toChatError(error, 'chat.postMessage');
  }
  const blocks = message.blocks ?? [];
  if (blocks.length > 1) {
    const half = Math.ceil(blocks.length / 2);
    await postInThread(
      client,
      thread,
      { text: message.text, blocks: blocks.slice(0, half) },
      `${fallbackFilename}-a`,
    );
    await postInThread(
      client,
      thread,
      { text: message.text, blocks: blocks.slice(half) },
      `${fallbackFilename}-b`,
    );
    return;
  }
  const content = blocks.length === 1 ? blocksToPlainText(blocks) : decodeSlackText(message.text);
  if (content.trim() === '') return; // a divider: nothing to lose
  const title = 'Part of the transcript Slack would not show as a message';
  await uploadFileToThread(client, thread, { filename: `${fallbackFilename}.txt`, content, title }, pacer);
}
