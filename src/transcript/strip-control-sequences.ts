/**
 * Hand-written single-pass scanners for what strip-ansi leaves behind. Each index is visited a
 * bounded number of times, so the cost is linear whatever the input (no regex backtracking).
 */

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const ST_C1 = 0x9c;

function isControl(code: number): boolean {
  if (code === 0x09 || code === 0x0a || code === 0x0d || code === 0x08) return false; // \t \n \r \b
  if (code < 0x20 || code === 0x7f) return true;
  if (code >= 0x80 && code <= 0x9f) return true;
  // Bidirectional overrides and isolates can make chat text read differently from what it is.
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
}

/**
 * Removes escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte escapes, their C1 forms,
 * including unterminated ones) and every other C0/C1 control character except `\n`, `\t`, `\r` and
 * `\b`, which {@link resolveOverwrites} handles. Also drops bidi overrides and byte-order marks.
 */
export function removeControlSequences(text: string): string {
  const parts: string[] = [];
  let kept = 0;
  let i = 0;
  while (i < text.length) {
    if (!isControl(text.charCodeAt(i))) {
      i++;
      continue;
    }
    if (i > kept) parts.push(text.slice(kept, i));
    i = skipSequence(text, i);
    kept = i;
  }
  if (kept === 0) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

/** Index just past the control sequence that starts at `i`. */
function skipSequence(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code === 0x9b) return skipCsi(text, i + 1);
  if (code === 0x9d || code === 0x90 || code === 0x98 || code === 0x9e || code === 0x9f) {
    return skipString(text, i + 1);
  }
  if (code !== ESC || i + 1 >= text.length) return i + 1;
  const next = text.charCodeAt(i + 1);
  if (next === 0x5b) return skipCsi(text, i + 2); // ESC [
  if (next === 0x5d || next === 0x50 || next === 0x58 || next === 0x5e || next === 0x5f || next === 0x6b) {
    return skipString(text, i + 2); // ESC ] P X ^ _ k
  }
  let j = i + 1;
  while (j < text.length && inRange(text.charCodeAt(j), 0x20, 0x2f)) j++; // intermediates
  if (j < text.length && inRange(text.charCodeAt(j), 0x30, 0x7e)) return j + 1; // final byte
  return j; // lone ESC (and any dangling intermediates)
}

function skipCsi(text: string, j: number): number {
  while (j < text.length && inRange(text.charCodeAt(j), 0x30, 0x3f)) j++; // parameters
  while (j < text.length && inRange(text.charCodeAt(j), 0x20, 0x2f)) j++; // intermediates
  if (j < text.length && inRange(text.charCodeAt(j), 0x40, 0x7e)) j++; // final byte
  return j;
}

/** A control string's payload ends at BEL, ST, CAN/SUB, a newline (kept) or the next escape. */
function skipString(text: string, j: number): number {
  while (j < text.length) {
    const code = text.charCodeAt(j);
    if (code === BEL || code === ST_C1 || code === CAN || code === SUB) return j + 1;
    if (code === 0x0a) return j;
    if (code === ESC) return text.charCodeAt(j + 1) === 0x5c ? j + 2 : j;
    j++;
  }
  return j;
}

function inRange(code: number, low: number, high: number): boolean {
  return code >= low && code <= high;
}

/**
 * Applies carriage returns and backspaces the way a terminal shows them, line by line:
 * `progress 10%\rprogress 100%` → `progress 100%`, `abcdef\rXY` → `XYcdef`, `a\bb` → `b`
 * (man-page overstrike). `\r\n` becomes `\n`. Works on code points, so surrogate pairs stay whole.
 */
export function resolveOverwrites(text: string): string {
  const normalised = text.includes('\r\n') ? text.replaceAll('\r\n', '\n') : text;
  if (!normalised.includes('\r') && !normalised.includes('\b')) return normalised;
  return normalised
    .split('\n')
    .map((line) => (line.includes('\r') || line.includes('\b') ? overwriteLine(line) : line))
    .join('\n');
}

function overwriteLine(line: string): string {
  const cells: string[] = [];
  let cursor = 0;
  for (const char of line) {
    if (char === '\r') cursor = 0;
    else if (char === '\b') cursor = Math.max(0, cursor - 1);
    else cells[cursor++] = char;
  }
  return cells.join('');
}
