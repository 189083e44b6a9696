import { describe, expect, it } from 'vitest';
import {
  parseSingleOutput,
  parseTerminationMessage,
  parseTimestamp,
  parseWrappedOutput,
  splitLogLines,
} from '../../../src/kube/parse-command-output.js';

const N = 'a1b2c3';
const ts = (ms: number) =>
  `2026-11-29T12:00:${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}456789Z`;
const line = (ms: number, text: string) => `${ts(ms)} ${text}\n`;

describe('timestamps and lines', () => {
  it('parses RFC3339Nano to milliseconds', () => {
    expect(parseTimestamp('2026-11-29T12:00:01.250999999Z')).toBe(Date.parse('2026-11-29T12:00:01.250Z'));
    expect(parseTimestamp('2026-11-29T12:00:01Z')).toBe(Date.parse('2026-11-29T12:00:01Z'));
    expect(parseTimestamp('nope')).toBeUndefined();
  });

  it('strips timestamps and remembers a last line without newline', () => {
    expect(splitLogLines(`${line(0, 'a')}${ts(5)} b`)).toEqual([
      { at: Date.parse('2026-11-29T12:00:00.000Z'), text: 'a', newline: true },
      { at: Date.parse('2026-11-29T12:00:00.005Z'), text: 'b', newline: false },
    ]);
  });
});

describe('parseWrappedOutput', () => {
  const commands = [['echo', 'one'], ['false'], ['echo', 'three']];

  it('splits output per command with exit codes and durations from the markers', () => {
    const log = [
      line(0, `::dbg-${N}::start::1`),
      line(10, 'one'),
      line(20, `::dbg-${N}::end::1::0`),
      line(20, `::dbg-${N}::start::2`),
      line(1520, `::dbg-${N}::end::2::1`),
      line(1520, `::dbg-${N}::start::3`),
      line(1530, 'three'),
      `${ts(1540)} tail without newline::dbg-${N}::end::3::0\n`,
    ].join('');
    expect(parseWrappedOutput({ commands, nonce: N, log })).toEqual([
      {
        argv: ['echo', 'one'],
        output: 'one\n',
        outputBytes: 4,
        truncated: false,
        exitCode: 0,
        durationMs: 20,
      },
      { argv: ['false'], output: '', outputBytes: 0, truncated: false, exitCode: 1, durationMs: 1500 },
      {
        argv: ['echo', 'three'],
        output: 'three\ntail without newline',
        outputBytes: 26,
        truncated: false,
        exitCode: 0,
        durationMs: 20,
      },
    ]);
  });

  it('marks commands without an end marker truncated and takes exit codes from the termination message', () => {
    const log = [line(0, `::dbg-${N}::start::1`), line(1, 'one'), `${ts(2)} cut mid-li`].join('');
    const parsed = parseWrappedOutput({ commands, nonce: N, log, terminationMessage: '1 0\n2 1\n3 0\n' });
    expect(parsed.map((c) => [c.output, c.exitCode, c.truncated, c.durationMs])).toEqual([
      ['one\ncut mid-li', 0, true, undefined],
      ['', 1, true, undefined],
      ['', 0, true, undefined],
    ]);
  });

  it('ignores markers with another nonce, out-of-order markers and text before the first marker', () => {
    const log = [
      line(0, 'sh: warning before anything'),
      line(0, `::dbg-${N}::start::1`),
      line(1, `::dbg-ffff::end::1::9`),
      line(1, `::dbg-${N}::start::3`),
      line(2, `::dbg-${N}::end::1::0`),
    ].join('');
    const [first] = parseWrappedOutput({ commands, nonce: N, log });
    expect(first).toMatchObject({
      output: `::dbg-ffff::end::1::9\n::dbg-${N}::start::3\n`,
      exitCode: 0,
      truncated: false,
    });
  });

  it('reads the termination message format', () => {
    expect([...parseTerminationMessage('1 0\n2 127\ngarbage\n')]).toEqual([
      [1, 0],
      [2, 127],
    ]);
  });
});

describe('parseSingleOutput', () => {
  it('takes the whole log as output', () => {
    expect(
      parseSingleOutput({
        argv: ['ls'],
        log: `${line(0, 'a')}${line(1, 'b')}`,
        incomplete: false,
        exitCode: 2,
        durationMs: 5,
      }),
    ).toEqual({
      argv: ['ls'],
      output: 'a\nb\n',
      outputBytes: 4,
      truncated: false,
      exitCode: 2,
      durationMs: 5,
    });
  });
});
