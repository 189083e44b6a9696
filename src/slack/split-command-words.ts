import { split } from 'shlex';

/** What splitting the text into words produced. */
export type SplitResult = { ok: true; words: string[] } | { ok: false; message: string };

// Typographic quotes some clients substitute while typing, and no-break spaces pasted from documents.
const LOOKALIKES: Array<[RegExp, string]> = [
  [/[\u201C\u201D\u201E\u201F\u2033]/g, '"'],
  [/[\u2018\u2019\u201A\u201B\u2032]/g, "'"],
  [/[\u00A0\u2007\u202F]/g, ' '],
];

const ANY_LOOKALIKE = new RegExp(LOOKALIKES.map(([pattern]) => pattern.source).join('|'));

/** Replaces smart quotes with ASCII quotes and no-break spaces with spaces, so quoting works as typed. */
export function normaliseTypedText(text: string): string {
  if (!ANY_LOOKALIKE.test(text)) return text; // most commands: one scan instead of three
  let out = text;
  for (const [pattern, replacement] of LOOKALIKES) out = out.replace(pattern, replacement);
  return out;
}

// What shlex treats specially besides its whitespace: quotes (also `$'…'`/`$"…"`) and the escape.
const QUOTING = /['"\\]/;
const SHLEX_WHITESPACE = /[ \t\r\n]+/;

/**
 * Splits text into words with POSIX shell quoting rules (the `shlex` package) and nothing else:
 * `;`, `|`, `&&`, `$(…)`, backticks and globs stay literal words, never interpreted.
 * Text without quotes or backslashes (most commands) splits on shlex's whitespace directly: the same
 * words (a test holds the two together) for a fifth of the CPU on the chat ack's path.
 */
export function splitCommandWords(text: string): SplitResult {
  if (!QUOTING.test(text)) return { ok: true, words: text.split(SHLEX_WHITESPACE).filter((w) => w !== '') };
  try {
    return { ok: true, words: split(text) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : '';
    if (reason.includes('quoted')) return { ok: false, message: 'a quote is not closed' };
    if (reason.includes('escape')) return { ok: false, message: 'the text ends with a lone backslash' };
    return { ok: false, message: 'the text could not be split into words' };
  }
}
