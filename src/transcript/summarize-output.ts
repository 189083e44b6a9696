/** A shortened view of long output. */
export interface HeadTail {
  /** The text itself when it fits; else its first lines, an omission line, and its last lines. */
  preview: string;
  /** Characters of the original left out of the preview (0 when it fits). */
  omittedChars: number;
}

/** Below this budget there is no room for head, marker and tail: the preview is a plain prefix. */
const MIN_SPLIT_BUDGET = 48;

/**
 * Fits `text` into `maxChars` (preview length, marker included) by keeping its beginning and its end
 * (half the budget each) and replacing the middle with `… N characters omitted …` on its own line.
 * Cuts fall on line boundaries when that keeps at least half of each part's budget; otherwise inside
 * the line. Never splits a surrogate pair.
 */
export function headTail(text: string, maxChars: number): HeadTail {
  const budget = Math.max(0, Math.floor(maxChars));
  if (text.length <= budget) return { preview: text, omittedChars: 0 };
  if (budget < MIN_SPLIT_BUDGET) {
    const head = text.slice(0, safeEnd(text, budget));
    return { preview: head, omittedChars: text.length - head.length };
  }
  // Reserve the marker for the largest possible count, so the preview never exceeds the budget.
  const room = budget - marker(text.length).length;
  const head = cutHead(text, Math.ceil(room / 2));
  const tail = cutTail(text, room - head.length);
  const omittedChars = text.length - head.length - tail.length;
  return { preview: head + marker(omittedChars) + tail, omittedChars };
}

function marker(omitted: number): string {
  return `\n… ${omitted} characters omitted …\n`;
}

/** The first ≤ `size` characters, ending before a newline when that keeps at least half. */
function cutHead(text: string, size: number): string {
  const end = safeEnd(text, size);
  const newline = text.lastIndexOf('\n', end - 1);
  if (newline >= end / 2 && newline < end) return text.slice(0, newline);
  return text.slice(0, end);
}

/** The last ≤ `size` characters, starting after a newline when that keeps at least half. */
function cutTail(text: string, size: number): string {
  const start = safeStart(text, text.length - size);
  const newline = text.indexOf('\n', start);
  if (newline !== -1 && text.length - (newline + 1) >= (text.length - start) / 2)
    return text.slice(newline + 1);
  return text.slice(start);
}

/** Moves an end index back off the middle of a surrogate pair. */
function safeEnd(text: string, end: number): number {
  return end > 0 && isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

/** Moves a start index forward off the middle of a surrogate pair. */
function safeStart(text: string, start: number): number {
  return start > 0 && isHighSurrogate(text.charCodeAt(start - 1)) ? start + 1 : start;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
