import { describe, expect, it } from 'vitest';
import {
  CONTAINER_PREFIX,
  deriveContainerName,
  deriveRequestId,
  digestRequest,
} from '../../../src/core/derive-ids.js';

describe('deriveRequestId', () => {
  it('maps a delivery to the same id as every earlier release (redeliveries across a deploy still dedupe)', () => {
    // Golden values from the first implementation (sha256 bytes mod 32 into the alphabet).
    expect(deriveRequestId('T0', '123.456')).toBe('rehmgty2m84z');
    expect(deriveRequestId('T123', 'abc')).toBe('rfruu22k6y4g');
  });

  it('is r + 11 unambiguous letters and digits, never all digits and never a colon', () => {
    for (let i = 0; i < 200; i++) {
      const id = deriveRequestId(`T${i}`, `${i}.${i * 7}`);
      expect(id).toMatch(/^r[abcdefghijkmnpqrstuvwxyz23456789]{11}$/);
    }
  });

  it('separates team and delivery, so (T1, 2x) and (T12, x) differ', () => {
    expect(deriveRequestId('T1', '2x')).not.toBe(deriveRequestId('T12', 'x'));
  });
});

describe('deriveContainerName and digestRequest', () => {
  it('derives a DNS label with our prefix from the request id', () => {
    expect(deriveContainerName('rAbC_12')).toBe(`${CONTAINER_PREFIX}rabc12`);
  });

  it('binds the digest to target, image, profile and argv', () => {
    const base = {
      target: { kind: 'pod' as const, name: 'web-1', namespace: 'shop' },
      image: 'busybox:1.36',
      commands: [['ps', 'aux']],
    };
    expect(digestRequest(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestRequest({ ...base, commands: [['ps', 'auxww']] })).not.toBe(digestRequest(base));
  });
});
