import { split } from 'shlex';
import { describe, expect, it } from 'vitest';
import { splitCommandWords } from '../../../src/slack/split-command-words.js';

/** Small deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Everything but shlex's quotes and escape: its whitespace, shell metacharacters, `$`, unicode spaces.
const PLAIN = [...'ab-_.:/=@%+,09 \t\r\n$;|&`*?~#()<>{}[]!\u00A0\u2003é漢'];

describe('splitCommandWords', () => {
  it('splits text without quotes or backslashes exactly as shlex does (10,000 random texts)', () => {
    const next = random(20261129);
    for (let n = 0; n < 10_000; n++) {
      const length = Math.floor(next() * 40);
      const text = Array.from({ length }, () => PLAIN[Math.floor(next() * PLAIN.length)]).join('');
      expect(splitCommandWords(text), JSON.stringify(text)).toEqual({ ok: true, words: split(text) });
    }
  });

  it('hands quoting and escapes to shlex', () => {
    expect(splitCommandWords(`sh -c 'echo "a b"' \\$HOME $'x\\ty'`)).toEqual({
      ok: true,
      words: ['sh', '-c', 'echo "a b"', '$HOME', 'x\ty'],
    });
    expect(splitCommandWords(`echo 'open`)).toEqual({ ok: false, message: 'a quote is not closed' });
    expect(splitCommandWords('echo \\')).toEqual({
      ok: false,
      message: 'the text ends with a lone backslash',
    });
  });
});
