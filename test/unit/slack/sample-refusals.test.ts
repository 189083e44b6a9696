import { describe, expect, it } from 'vitest';
import { sampleRefusals } from '../../../src/slack/sample-refusals.js';
import { aSilentLogger } from '../../helpers/builders.js';

describe('sampleRefusals', () => {
  it('logs the first refusal at once and counts a burst into the next line', () => {
    const lines: Array<{ level: string; meta: object; msg: string }> = [];
    let now = 1_000_000;
    const report = sampleRefusals(aSilentLogger(lines), { windowMs: 10_000, now: () => now });
    report(401, 'bad signature');
    for (let i = 0; i < 500; i++) {
      now += 10;
      report(401, 'bad signature');
    }
    expect(lines).toHaveLength(1);
    now += 10_000;
    report(413);
    expect(lines.map((l) => l.meta)).toEqual([
      { status: 401, problem: 'bad signature' },
      { status: 413, problem: undefined, alsoRefused: 500 },
    ]);
    expect(lines.every((l) => l.level === 'warn')).toBe(true);
  });
});
