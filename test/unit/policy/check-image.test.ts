import { describe, expect, it } from 'vitest';
import { checkImage, matchImagePattern } from '../../../src/policy/check-image.js';
import { AN_IMAGE_DIGEST, aParsedImage } from '../../helpers/builders.js';

describe('matchImagePattern', () => {
  it.each([
    ['busybox', 'busybox:1.36', true],
    ['busybox', `busybox@${AN_IMAGE_DIGEST}`, true],
    ['busybox', 'library/busybox', true],
    ['busybox', 'busyboxx:1', false],
    ['busybox:*', `busybox@${AN_IMAGE_DIGEST}`, true],
    ['busybox:1.36', 'busybox:1.36', true],
    ['busybox:1.36', 'busybox:1.37', false],
    ['docker.io/library/busybox:*', 'busybox:1.36', true],
    ['library/busybox:*', 'busybox:1.36', true],
    ['nicolaka/netshoot', 'docker.io/nicolaka/netshoot:v0.13', true],
    ['ghcr.io/acme/*', 'ghcr.io/acme/tool:1', true],
    ['ghcr.io/acme/*', 'ghcr.io/acmex/tool:1', false],
    ['*/netshoot:*', 'nicolaka/netshoot:v0.13', true],
    ['*', 'quay.io/x/y:1', true],
    [`busybox@${AN_IMAGE_DIGEST}`, `busybox:1.36@${AN_IMAGE_DIGEST}`, true],
    ['busybox@sha256:*', 'busybox:1.36', false],
  ])('%s vs %s → %s', (pattern, image, expected) => {
    expect(matchImagePattern(pattern, aParsedImage(image))).toBe(expected);
  });
});

describe('checkImage', () => {
  const images = (allow: string[]) => ({ allow, requireDigest: false, denyLatest: true });

  it('answers each policy by its own allow list, the same way every time', () => {
    const strict = images(['docker.io/library/alpine:*']);
    const open = images(['docker.io/library/busybox:*']);
    expect(checkImage('busybox:1.36', open)).toBeUndefined();
    expect(checkImage('busybox:1.36', strict)).toMatch(/is not allowed here/);
    expect(checkImage('busybox:1.36', open)).toBeUndefined();
    expect(checkImage('busybox:1.36', strict)).toMatch(/is not allowed here/);
    expect(checkImage('busybox', open)).toMatch(/has no tag/);
  });

  it('stays right across many distinct images (past the parser memo bound)', () => {
    const open = images(['docker.io/library/busybox:*']);
    for (let i = 0; i < 1200; i++) expect(checkImage(`busybox:1.${i}`, open)).toBeUndefined();
    expect(checkImage('alpine:3', open)).toMatch(/is not allowed here/);
  });
});
