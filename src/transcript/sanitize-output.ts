import stripAnsi from 'strip-ansi';
import { removeControlSequences, resolveOverwrites } from './strip-control-sequences.js';

/** Output made safe to show: no terminal control sequences, or a short hex preview when binary. */
export interface SanitizedOutput {
  text: string;
  binary: boolean;
  /** Size of the raw output in bytes (UTF-8 when it came as a string). */
  bytes: number;
}

const PREVIEW_BYTES = 64;
/** Printable ASCII runs at least this long are masked in the hex preview: they may spell a secret. */
const MASKED_RUN = 8;
/** Above these shares of the characters, the output is treated as binary. */
const MAX_NUL_SHARE = 0.3;
const MAX_JUNK_SHARE = 0.1;

/**
 * Turns raw command output into safe text. Binary output (mostly NUL bytes, or many invalid UTF-8
 * sequences and stray control bytes) becomes `binary output, N bytes; first 64 bytes: <hex>`.
 * NUL-separated text such as `/proc/1/environ` or `/proc/1/cmdline` is shown as lines instead, so the
 * secret redactor can see it. Text loses ANSI/VT escapes (strip-ansi, then a linear scanner for
 * anything left: unterminated OSC titles, bells, C1 controls, bidi overrides), carriage-return and
 * backspace overwrites are resolved, line endings become `\n`.
 */
export function sanitizeOutput(raw: string | Buffer): SanitizedOutput {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
  const decoded = typeof raw === 'string' ? raw : new TextDecoder('utf-8').decode(raw);
  if (looksBinary(decoded)) {
    const buffer = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    return { text: describeBinary(buffer), binary: true, bytes };
  }
  const joined = decoded.includes('\u0000') ? joinNulSeparated(decoded) : decoded;
  return { text: sanitizeText(joined), binary: false, bytes };
}

/**
 * The text half of {@link sanitizeOutput}, without binary detection: for short texts such as argv
 * entries and failure reasons. Escape sequences and control characters (NUL included) are removed.
 */
export function sanitizeText(text: string): string {
  return resolveOverwrites(removeControlSequences(stripAnsi(text)));
}

/** NUL share over {@link MAX_NUL_SHARE}, or U+FFFD plus stray C0 controls over {@link MAX_JUNK_SHARE}. */
export function looksBinary(text: string): boolean {
  if (text.length === 0) return false;
  let nul = 0;
  let junk = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) nul++;
    else if (code === 0xfffd || (code < 0x20 && !isTextControl(code))) junk++;
  }
  return nul / text.length > MAX_NUL_SHARE || junk / text.length > MAX_JUNK_SHARE;
}

/** Tab, newline, vertical tab, form feed, carriage return, backspace, escape, bell: seen in text. */
function isTextControl(code: number): boolean {
  return (code >= 0x07 && code <= 0x0d) || code === 0x1b;
}

/** Each run of NULs becomes one newline; a trailing one is dropped. */
function joinNulSeparated(text: string): string {
  const lines = text.replace(/\u0000+/g, '\n');
  return text.endsWith('\u0000') ? lines.slice(0, -1) : lines;
}

/** `binary output, N bytes; first 64 bytes: 7f 45 4c 46 …`, with long printable runs shown as `**`. */
export function describeBinary(buffer: Buffer): string {
  const shown = Math.min(PREVIEW_BYTES, buffer.length);
  const masked = printableRuns(buffer, shown);
  const hex: string[] = [];
  for (let i = 0; i < shown; i++) hex.push(masked[i] ? '**' : buffer[i]!.toString(16).padStart(2, '0'));
  return `binary output, ${buffer.length} bytes; first ${shown} bytes: ${hex.join(' ')}`;
}

/** Marks bytes in `[0, limit)` that belong to printable-ASCII runs of {@link MASKED_RUN}+ bytes. */
function printableRuns(buffer: Buffer, limit: number): boolean[] {
  const masked = new Array<boolean>(limit).fill(false);
  let i = 0;
  while (i < limit) {
    if (!isPrintable(buffer[i]!)) {
      i++;
      continue;
    }
    let end = i;
    while (end < buffer.length && isPrintable(buffer[end]!)) end++;
    if (end - i >= MASKED_RUN) masked.fill(true, i, Math.min(end, limit));
    i = end;
  }
  return masked;
}

function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte < 0x7f;
}
