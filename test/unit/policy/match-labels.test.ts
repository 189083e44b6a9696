import { describe, expect, it } from 'vitest';
import {
  findMatchingSelector,
  isLabelSelector,
  parseLabelSelector,
} from '../../../src/policy/match-labels.js';

describe('label selectors', () => {
  it.each([
    ['env', { key: 'env' }],
    ['env=prod', { key: 'env', valueGlob: 'prod' }],
    ['env=prod*', { key: 'env', valueGlob: 'prod*' }],
    ['env=', { key: 'env', valueGlob: '' }],
    ['app.kubernetes.io/part-of=checkout', { key: 'app.kubernetes.io/part-of', valueGlob: 'checkout' }],
  ])('parses %s', (text, selector) => {
    expect(parseLabelSelector(text)).toEqual(selector);
  });

  it.each([
    '',
    'bad key',
    '-env',
    'env-',
    'Example.com/x',
    '/x',
    `${'a'.repeat(64)}`,
    'a=b c',
    `env=${'x'.repeat(400)}`,
  ])('rejects %j', (text) => {
    expect(isLabelSelector(text)).toBe(false);
  });

  it('matches presence and value globs, first match wins', () => {
    const labels = { env: 'production', 'example.com/tier': 'gold' };
    expect(findMatchingSelector(['env=staging', 'env=prod*'], labels)).toBe('env=prod*');
    expect(findMatchingSelector(['example.com/tier'], labels)).toBe('example.com/tier');
    expect(findMatchingSelector(['team', 'env=prod'], labels)).toBeUndefined();
    expect(findMatchingSelector(['toString', 'constructor=*'], labels)).toBeUndefined();
    expect(findMatchingSelector(['env'], {})).toBeUndefined();
  });
});
