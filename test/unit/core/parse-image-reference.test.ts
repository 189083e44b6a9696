import { describe, expect, it } from 'vitest';
import {
  formatImageReference,
  parseImageReference,
  shortImageName,
} from '../../../src/core/parse-image-reference.js';
import { AN_IMAGE_DIGEST, aParsedImage } from '../../helpers/builders.js';

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
    ['[::1]:5000/tool:1', '[::1]:5000/tool:1', '[::1]:5000/tool'],
    [
      'Registry.Example.com/a/b_c__d-e.f:T_1',
      'registry.example.com/a/b_c__d-e.f:T_1',
      'registry.example.com/a/b_c__d-e.f',
    ],
    [`busybox@${AN_IMAGE_DIGEST}`, `docker.io/library/busybox@${AN_IMAGE_DIGEST}`, 'busybox'],
    [`busybox:1.36@${AN_IMAGE_DIGEST}`, `docker.io/library/busybox:1.36@${AN_IMAGE_DIGEST}`, 'busybox'],
  ])('%s → %s', (image, full, short) => {
    const reference = aParsedImage(image);
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

describe('parseImageReference remembers what it read', () => {
  it('answers the same text with the same result, and stays right past its bound', () => {
    expect(parseImageReference('busybox:1.36')).toBe(parseImageReference('busybox:1.36'));
    for (let i = 0; i < 1200; i++) expect(parseImageReference(`busybox:1.${i}`).ok).toBe(true);
    expect(parseImageReference('UPPER:CASE')).toEqual({
      ok: false,
      problem: 'repository names must be lower case',
    });
  });
});
