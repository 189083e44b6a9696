import { describe, expect, it } from 'vitest';
import { checkImage, matchImagePattern } from '../../../src/policy/check-image.js';
import {
  formatImageReference,
  type ImageReference,
  parseImageReference,
  shortImageName,
} from '../../../src/policy/parse-image-reference.js';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

function parse(image: string): ImageReference {
  const parsed = parseImageReference(image);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.reference;
}

describe('parseImageReference', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox', 'busybox'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox'],
    ['nicolaka/netshoot:v0.13', 'docker.io/nicolaka/netshoot:v0.13', 'nicolaka/netshoot'],
    ['docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.20', 'alpine'],
    ['index.docker.io/library/alpine:3.20', 'docker.io/library/alpine:3.20', 'alpine'],
    ['docker.io/alpine', 'docker.io/library/alpine', 'alpine'],
    ['ghcr.io/acme/debug-tools:2.1', 'ghcr.io/acme/debug-tools:2.1', 'ghcr.io/acme/debug-tools'],
    ['localhost:5000/tool', 'localhost:5000/tool', 'localhost:5000/tool'],
    ['localhost/tool', 'localhost/tool', 'localhost/tool'],
    [
      'Registry.Example.com/a/b_c__d-e.f:T_1',
      'registry.example.com/a/b_c__d-e.f:T_1',
      'registry.example.com/a/b_c__d-e.f',
    ],
    [`busybox@${DIGEST}`, `docker.io/library/busybox@${DIGEST}`, 'busybox'],
    [`busybox:1.36@${DIGEST}`, `docker.io/library/busybox:1.36@${DIGEST}`, 'busybox'],
  ])('%s → %s', (image, full, short) => {
    const reference = parse(image);
    expect(formatImageReference(reference)).toBe(full);
    expect(shortImageName(reference)).toBe(short);
  });

  it.each([
    ['', 'it is empty'],
    ['UPPER:CASE', 'repository names must be lower case'],
    ['busybox:1.36 ', 'it contains whitespace or control characters'],
    ['busy\u0000box', 'it contains whitespace or control characters'],
    ['busybox@sha256:abc', 'the digest must look like sha256:<64 hex digits>'],
    ['busybox:-bad', 'the tag "-bad" is not valid'],
    ['busybox:', 'the tag "" is not valid'],
    ['-busybox', 'the repository name is not valid'],
    ['a//b', 'the repository name is not valid'],
    ['ex_ample.com/x', 'the registry host is not valid'],
    ['localhost:port/x', 'the registry host is not valid'],
    [`${'a'.repeat(256)}:1`, 'the name is 256 characters long (at most 255)'],
    ['x'.repeat(2048), 'it is 2048 characters long (at most 512)'],
  ])('rejects %j: %s', (image, problem) => {
    expect(parseImageReference(image)).toEqual({ ok: false, problem });
  });

  it('handles hostile input quickly', () => {
    const started = performance.now();
    for (const image of [`${'a-'.repeat(250)}!`, `${'a.'.repeat(250)}/x`, `x/${'a__'.repeat(160)}-`])
      parseImageReference(image);
    expect(performance.now() - started).toBeLessThan(100);
  });
});

describe('matchImagePattern', () => {
  it.each([
    ['busybox', 'busybox:1.36', true],
    ['busybox', `busybox@${DIGEST}`, true],
    ['busybox', 'library/busybox', true],
    ['busybox', 'busyboxx:1', false],
    ['busybox:*', `busybox@${DIGEST}`, true],
    ['busybox:1.36', 'busybox:1.36', true],
    ['busybox:1.36', 'busybox:1.37', false],
    ['docker.io/library/busybox:*', 'busybox:1.36', true],
    ['library/busybox:*', 'busybox:1.36', true],
    ['nicolaka/netshoot', 'docker.io/nicolaka/netshoot:v0.13', true],
    ['ghcr.io/acme/*', 'ghcr.io/acme/tool:1', true],
    ['ghcr.io/acme/*', 'ghcr.io/acmex/tool:1', false],
    ['*/netshoot:*', 'nicolaka/netshoot:v0.13', true],
    ['*', 'quay.io/x/y:1', true],
    [`busybox@${DIGEST}`, `busybox:1.36@${DIGEST}`, true],
    ['busybox@sha256:*', 'busybox:1.36', false],
  ])('%s vs %s → %s', (pattern, image, expected) => {
    expect(matchImagePattern(pattern, parse(image))).toBe(expected);
  });
});

describe('checkImage answers per policy object', () => {
  const images = (allow: string[]) => ({ allow, requireDigest: false, denyLatest: true });

  it('gives the same answer again, and each policy its own', () => {
    const strict = images(['docker.io/library/alpine:*']);
    const open = images(['docker.io/library/busybox:*']);
    expect(checkImage('busybox:1.36', open)).toBeUndefined();
    expect(checkImage('busybox:1.36', strict)).toMatch(/is not allowed here/);
    expect(checkImage('busybox:1.36', open)).toBeUndefined();
    expect(checkImage('busybox:1.36', strict)).toMatch(/is not allowed here/);
    expect(checkImage('busybox', open)).toMatch(/has no tag/);
  });

  it('stays bounded: many distinct images still get right answers', () => {
    const open = images(['docker.io/library/busybox:*']);
    for (let i = 0; i < 1200; i++) expect(checkImage(`busybox:1.${i}`, open)).toBeUndefined();
    expect(checkImage('alpine:3', open)).toMatch(/is not allowed here/);
  });
});
