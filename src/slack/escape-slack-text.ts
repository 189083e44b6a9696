import { quote } from 'shlex';

/**
 * Escapes the three characters Slack's parser treats as control characters, so `<!channel>`,
 * `<@U…>` and `<http://x|y>` in user or cluster text stay inert.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Reverses Slack's escaping of incoming text (`&lt;` → `<`…); `&amp;` last so `&amp;lt;` stays `&lt;`. */
export function decodeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** U+02CB MODIFIER LETTER GRAVE ACCENT: looks like a backtick, never closes a code block. */
const BACKTICK_LOOKALIKE = '\u02CB';

/** Replaces runs of three or more backticks with lookalikes so a ``` inside output cannot end our code block. */
export function neutraliseCodeFences(text: string): string {
  return text.replace(/`{3,}/g, (run) => BACKTICK_LOOKALIKE.repeat(run.length));
}

/** Shows control characters (except tab and newline) as Unicode control pictures: visible, never executed. */
export function showControlCharacters(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, (c) =>
    c === '\u007F' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0)),
  );
}

/** Escaped text inside a code block (```), never empty. */
export function formatCodeBlock(text: string): string {
  const trimmed = text.endsWith('\n') ? text.slice(0, -1) : text;
  const body = neutraliseCodeFences(escapeSlackText(showControlCharacters(trimmed)));
  return '```\n' + (body === '' ? ' ' : body) + '\n```';
}

/** Escaped single-line text inside inline code; backticks become lookalikes, newlines become `⏎`. */
export function formatInlineCode(text: string): string {
  const oneLine = showControlCharacters(text.replace(/\r?\n/g, '\u23CE')).replace(/`/g, BACKTICK_LOOKALIKE);
  return '`' + escapeSlackText(oneLine === '' ? ' ' : oneLine) + '`';
}

/** An argv as a shell would need it typed (`sh -c 'a | b'`), with control characters made visible. */
export function quoteArgv(argv: readonly string[]): string {
  return showControlCharacters(argv.map((word) => quote(word)).join(' '));
}

function cutAt(text: string, end: number): string {
  const code = text.charCodeAt(end - 1);
  const safeEnd = code >= 0xd800 && code <= 0xdbff ? end - 1 : end;
  return text.slice(0, Math.max(0, safeEnd));
}

/** Cuts text to `max` characters, marking the cut with `…` (never inside a surrogate pair). */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${cutAt(text, max - 1)}…`;
}

/** Length of `text` once escaped with {@link escapeSlackText}. */
export function escapedLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 38) length += 4;
    else if (c === 60 || c === 62) length += 3;
  }
  return length;
}

/** Cuts raw text so that, once escaped, it fits in `maxEscaped` characters (cut marked with `…`). */
export function truncateForSlack(text: string, maxEscaped: number): string {
  if (escapedLength(text) <= maxEscaped) return text;
  let used = 1;
  let i = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const cost = c === 38 ? 5 : c === 60 || c === 62 ? 4 : 1;
    if (used + cost > maxEscaped) break;
    used += cost;
  }
  return `${cutAt(text, i)}…`;
}

const USER_ID = /^[UWB][A-Z0-9]{2,30}$/;

/** A live mention for a Slack user id we were given by Slack; anything else is shown inert. */
export function formatUserMention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : formatInlineCode(userId);
}
