import { escapeSlackText, truncateText } from './escape-slack-text.js';
import { context, type SlackMessage } from './slack-message.js';

const USER_MENTION = /(<@[UW][A-Z0-9]{2,30}>)/;
const NOTICE_CHARS = 500;

/**
 * Escapes notice text but keeps user mentions written as `<@U…>` live, so "Cancelled by <@U1>" pings
 * nobody else and shows the name. `<!channel>`, `<!here>`, group mentions and links stay inert.
 */
export function formatNoticeText(text: string): string {
  return truncateText(text, NOTICE_CHARS)
    .split(USER_MENTION)
    .map((part, i) => (i % 2 === 1 ? part : escapeSlackText(part)))
    .join('');
}

/** A short status note in a request's thread ("Cancelled by <@U1>."), shown small and grey. */
export function renderNotice(text: string): SlackMessage {
  const shown = formatNoticeText(text);
  return { text: shown, blocks: [context(`:information_source: ${shown}`)] };
}
