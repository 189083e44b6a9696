import { escapedLength, truncateText } from './escape-slack-text.js';

/** A head/tail excerpt of long output, sized for one section. */
export interface OutputPreview {
  text: string;
  totalLines: number;
  headLines: number;
  tailLines: number;
}

const MAX_LINE_CHARS = 300;

function countLines(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Takes whole lines from the start (about 60 % of the budget) and from the end (the rest), each line cut
 * to 300 characters, without splitting or copying the whole output. `budget` counts escaped characters.
 */
export function buildOutputPreview(output: string, budget: number): OutputPreview {
  const body = output.endsWith('\n') ? output.slice(0, -1) : output;
  const totalLines = countLines(body);
  const marker = (omitted: number) =>
    `… ${omitted} more line${omitted === 1 ? '' : 's'} in the attached file …`;
  const room = budget - marker(totalLines).length - 2;

  const head: string[] = [];
  let used = 0;
  let start = 0;
  while (start <= body.length && head.length < totalLines) {
    const end = body.indexOf('\n', start);
    const line = truncateText(body.slice(start, end === -1 ? body.length : end), MAX_LINE_CHARS);
    if (head.length > 0 && used + escapedLength(line) + 1 > room * 0.6) break;
    head.push(line);
    used += escapedLength(line) + 1;
    if (end === -1) break;
    start = end + 1;
  }

  const tail: string[] = [];
  let stop = body.length;
  while (head.length + tail.length < totalLines) {
    const begin = body.lastIndexOf('\n', stop - 1);
    const line = truncateText(body.slice(begin + 1, stop), MAX_LINE_CHARS);
    if (used + escapedLength(line) + 1 > room) break;
    tail.unshift(line);
    used += escapedLength(line) + 1;
    stop = begin;
  }

  const omitted = totalLines - head.length - tail.length;
  const parts = omitted > 0 ? [...head, marker(omitted), ...tail] : [...head, ...tail];
  return { text: parts.join('\n'), totalLines, headLines: head.length, tailLines: tail.length };
}
