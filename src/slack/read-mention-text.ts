import { decodeSlackText } from './escape-slack-text.js';

/** What a mention of the bot asks for. `problem` is safe to show after escaping. */
export type MentionRequest = { kind: 'debug'; text: string } | { kind: 'usage'; problem?: string };

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
const MARKUP = /<([^<>|]*)(?:\|([^<>]*))?>/g;
const HELP_WORDS = new Set(['help', '-h', '--help']);

/**
 * Undoes what Slack does to typed text in events: `<http://a.b|a.b>` (auto-linked host names and URLs),
 * `<@U1|name>`, `<#C1|name>` and `<mailto:…|…>` become what was typed, then `&lt;`, `&gt;`, `&amp;`
 * are decoded. Text the user typed as `<…>` arrives escaped, so every raw `<…>` here is Slack's markup.
 */
export function unwrapSlackMarkup(text: string): string {
  const plain = text.replace(MARKUP, (_whole, target: string, label: string | undefined) => {
    if (label === undefined || label === '') return target;
    return target.startsWith('@') || target.startsWith('#') ? `${target[0]}${label}` : label;
  });
  return decodeSlackText(plain);
}

/** The text after the bot's mention: from the first mention of `botUserId` (or of anyone, when unknown). */
function afterBotMention(text: string, botUserId: string | undefined): string {
  for (const match of text.matchAll(MENTION)) {
    if (botUserId === undefined || match[1] === botUserId) {
      const rest = text.slice(match.index + match[0].length);
      return rest.replace(MENTION, (token, id: string) => (id === match[1] ? ' ' : token));
    }
  }
  return text;
}

/**
 * Reads `@bot debug <same grammar as /debug>` from an `app_mention` event's text. No text, `help` or
 * `debug` alone ask for the usage; any other first word is a usage with a problem (nothing is parsed).
 */
export function readMentionText(raw: string, botUserId?: string): MentionRequest {
  const text = unwrapSlackMarkup(afterBotMention(raw, botUserId)).trim();
  if (text === '' || HELP_WORDS.has(text.toLowerCase())) return { kind: 'usage' };
  const match = /^debug(?:\s+([\s\S]*))?$/i.exec(text);
  if (!match) {
    return {
      kind: 'usage',
      problem: 'write "debug" right after the mention, then the same words as for /debug',
    };
  }
  const rest = (match[1] ?? '').trim();
  if (rest === '' || HELP_WORDS.has(rest.toLowerCase())) return { kind: 'usage' };
  return { kind: 'debug', text: rest };
}
