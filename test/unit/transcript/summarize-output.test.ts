import { describe, expect, it } from 'vitest';
import { headTail } from '../../../src/transcript/summarize-output.js';

const lines = (count: number) =>
  Array.from({ length: count }, (_, i) => `line ${String(i + 1).padStart(4, '0')}`).join('\n');

describe('headTail', () => {
  it('returns text that fits unchanged', () => {
    expect(headTail('short\noutput', 100)).toEqual({ preview: 'short\noutput', omittedChars: 0 });
  });

  it('keeps the first and last lines within the budget, cut on line boundaries', () => {
    const text = lines(1000);
    const { preview, omittedChars } = headTail(text, 200);
    expect(preview.length).toBeLessThanOrEqual(200);
    expect(preview.startsWith('line 0001\nline 0002\n')).toBe(true);
    expect(preview.endsWith('line 0999\nline 1000')).toBe(true);
    expect(preview).toMatch(/\n… \d+ characters omitted …\n/);
    const [head, tail] = preview.split(/\n… \d+ characters omitted …\n/) as [string, string];
    expect(head.split('\n').every((line) => /^line \d{4}$/.test(line))).toBe(true);
    expect(tail.split('\n').every((line) => /^line \d{4}$/.test(line))).toBe(true);
    expect(head.length + tail.length + omittedChars).toBe(text.length);
    expect(preview).toContain(`… ${omittedChars} characters omitted …`);
  });

  it('cuts inside a single long line when there is no line boundary to use', () => {
    const text = 'x'.repeat(10_000);
    const { preview, omittedChars } = headTail(text, 500);
    expect(preview.length).toBeLessThanOrEqual(500);
    expect(preview.length).toBeGreaterThan(450);
    expect(omittedChars).toBe(
      10_000 - (preview.length - `\n… ${omittedChars} characters omitted …\n`.length),
    );
  });

  it('gives a plain prefix when the budget is too small for a marker', () => {
    expect(headTail('abcdefghijklmnopqrstuvwxyz'.repeat(4), 10)).toEqual({
      preview: 'abcdefghij',
      omittedChars: 94,
    });
    expect(headTail('abc', 0)).toEqual({ preview: '', omittedChars: 3 });
  });

  it('never splits a surrogate pair', () => {
    const text = '😀'.repeat(1000);
    const { preview } = headTail(text, 101);
    expect(preview).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(headTail(text, 7).preview).toBe('😀😀😀');
  });
});
