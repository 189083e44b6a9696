import type { types } from '@slack/bolt';

/** One Block Kit block, as sent to `chat.postMessage`. */
export type SlackBlock = types.KnownBlock;

/** A message body: `text` is the notification/fallback text, `blocks` the rendered layout. */
export interface SlackMessage {
  text: string;
  blocks?: SlackBlock[];
}

/**
 * A reply to one user's command, click or mention. Slash-command acks and button replies are always
 * ephemeral; a reply to a mention goes into the thread for everyone unless `ephemeral` is set.
 */
export interface SlackReply extends SlackMessage {
  /** Only the user who asked sees it (refusals, typos): posted with `chat.postEphemeral` for mentions. */
  ephemeral?: boolean;
}

/** A file to upload into a thread (full text where the inline preview was cut). */
export interface SlackFile {
  filename: string;
  content: string;
  title: string;
}

/** Slack's documented Block Kit limits, and the budgets we keep under them. */
export const SLACK_LIMITS = {
  sectionText: 3000,
  sectionFieldText: 2000,
  sectionFields: 10,
  contextElements: 10,
  blocksPerMessage: 50,
  /** `text` beyond this is truncated by Slack; we stay far below. */
  messageText: 40_000,
  /** Our own budget for all text in one message (Slack's markdown limit is 12,000). */
  textPerMessage: 10_000,
} as const;

/** Builds an mrkdwn text object. `verbatim` stops Slack from auto-linking URLs and names or parsing `@here`. */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** A section block with mrkdwn text. */
/** Plain text (button labels, headers, confirm dialogs): Slack renders it as is, emoji shortcodes included. */
export function plainText(text: string): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text, emoji: true };
}

export function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** A context block with mrkdwn elements. */
export function context(...texts: string[]): SlackBlock {
  return { type: 'context', elements: texts.map((t) => mrkdwn(t)) };
}

/** Characters of text a block carries (what Slack counts against its limits). */
export function blockTextLength(block: SlackBlock): number {
  let total = 0;
  if ('text' in block && block.text && typeof block.text === 'object' && 'text' in block.text) {
    total += block.text.text.length;
  }
  if ('fields' in block && Array.isArray(block.fields)) {
    for (const field of block.fields) total += field.text.length;
  }
  if (block.type === 'context') {
    for (const element of block.elements) if ('text' in element) total += element.text.length;
  }
  return total;
}
