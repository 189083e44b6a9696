/**
 * Turns a container log read with `timestamps=true` into per-command results: output, exit code and
 * duration from the wrapper's markers, with the termination message as the fallback for exit codes.
 */
import type { CommandRun } from '../core/model.js';
import { markerPatterns } from './build-command-script.js';

/** One log line with the kubelet's timestamp (ms since epoch) stripped off. */
export interface LogLine {
  at?: number;
  text: string;
  /** False for a last line that had no newline (cut, or output without a trailing newline). */
  newline: boolean;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d) /;

/** The kubelet's timestamp at the start of every log line. */
const LINE_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d) /gm;

export function parseTimestamp(value: string): number | undefined {
  const m = TIMESTAMP.exec(`${value} `);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}.${(m[2] ?? '').padEnd(3, '0').slice(0, 3)}${m[3]}`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function splitLogLines(text: string): LogLine[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.pop()!;
  const lines = parts.map((p) => ({ raw: p, newline: true }));
  if (last !== '') lines.push({ raw: last, newline: false });
  return lines.map(({ raw, newline }) => {
    const m = TIMESTAMP.exec(raw);
    if (!m) return { text: raw, newline };
    const at = parseTimestamp(m[0].trimEnd());
    return { ...(at !== undefined ? { at } : {}), text: raw.slice(m[0].length), newline };
  });
}

/** `<i> <exit code>` lines the wrapper wrote to the termination-message file. */
export function parseTerminationMessage(message: string | undefined): Map<number, number> {
  const codes = new Map<number, number>();
  for (const line of (message ?? '').split('\n')) {
    const m = /^(\d+) (\d+)$/.exec(line.trim());
    if (m) codes.set(Number(m[1]), Number(m[2]));
  }
  return codes;
}

function run(
  argv: string[],
  output: string,
  truncated: boolean,
  exitCode?: number,
  durationMs?: number,
): CommandRun {
  return {
    argv,
    output,
    outputBytes: Buffer.byteLength(output),
    truncated,
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
  };
}

export interface WrappedLogInput {
  commands: string[][];
  nonce: string;
  log: string;
  terminationMessage?: string;
}

/** Splits the wrapper's log into one result per command; commands whose end marker is missing are truncated. */
export function parseWrappedOutput(input: WrappedLogInput): CommandRun[] {
  const { start, end } = markerPatterns(input.nonce);
  const outputs = input.commands.map(() => ({
    text: '',
    ended: false,
    startAt: 0,
    exitCode: -1,
    durationMs: -1,
  }));
  let current = -1;
  let expected = 0;
  for (const line of splitLogLines(input.log)) {
    const started = current === -1 && line.newline ? start.exec(line.text) : null;
    if (started && Number(started[1]) - 1 === expected && outputs[expected]) {
      current = expected;
      outputs[current]!.startAt = line.at ?? 0;
      continue;
    }
    const out = outputs[current];
    if (!out) continue;
    const ended = line.newline ? end.exec(line.text) : null;
    if (ended && Number(ended[2]) - 1 === current) {
      out.text += ended[1];
      out.ended = true;
      out.exitCode = Number(ended[3]);
      if (line.at !== undefined && out.startAt) out.durationMs = Math.max(0, line.at - out.startAt);
      expected = current + 1;
      current = -1;
      continue;
    }
    out.text += line.text + (line.newline ? '\n' : '');
  }
  const fallback = parseTerminationMessage(input.terminationMessage);
  return input.commands.map((argv, i) => {
    const o = outputs[i]!;
    const exitCode = o.ended ? o.exitCode : fallback.get(i + 1);
    return run(argv, o.text, !o.ended, exitCode, o.durationMs >= 0 ? o.durationMs : undefined);
  });
}

export interface SingleLogInput {
  argv: string[];
  log: string;
  incomplete: boolean;
  exitCode?: number;
  durationMs?: number;
}

/** One command run as the container's own argv: the whole log is its output. */
export function parseSingleOutput(input: SingleLogInput): CommandRun {
  // One pass over the whole log (no per-line objects): a 1 MiB log stays about 1 MiB in memory.
  const output = input.log.replace(LINE_TIMESTAMP, '');
  return run(input.argv, output, input.incomplete, input.exitCode, input.durationMs);
}
