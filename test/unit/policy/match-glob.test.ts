import { describe, expect, it } from 'vitest';
import { findMatchingGlob, matchGlob } from '../../../src/policy/match-glob.js';

describe('matchGlob', () => {
  it.each([
    ['*', '', true],
    ['*', 'anything/at:all', true],
    ['', '', true],
    ['', 'a', false],
    ['shop', 'shop', true],
    ['shop', 'shops', false],
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'xteam-a', false],
    ['*-prod', 'shop-prod', true],
    ['*-prod', 'shop-prod-2', false],
    ['a*b*c', 'a-x-b-y-c', true],
    ['a*b*c', 'a-x-c-y-b', false],
    ['env-?', 'env-1', true],
    ['env-?', 'env-', false],
    ['env-?', 'env-12', false],
    ['**', 'x', true],
    ['Shop', 'shop', false],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ])('%s vs %s → %s', (pattern, text, expected) => {
    expect(matchGlob(pattern, text)).toBe(expected);
  });

  it('has no exponential blow-up on many stars', () => {
    const started = performance.now();
    expect(matchGlob(`${'a*'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('finds the first matching pattern', () => {
    expect(findMatchingGlob(['x', 'kube-*', 'kube-system'], 'kube-system')).toBe('kube-*');
    expect(findMatchingGlob([], 'kube-system')).toBeUndefined();
  });
});
