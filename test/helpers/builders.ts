import type { RequesterContext } from '../../src/core/approval-model.js';
import type { DebugRequest } from '../../src/core/model.js';
import { type ImageReference, parseImageReference } from '../../src/core/parse-image-reference.js';
import type { Logger } from '../../src/core/ports.js';

/** Builder for requests: `aDebugRequest({ target: { … } })`. */
export function aDebugRequest(overrides: Partial<DebugRequest> = {}): DebugRequest {
  return {
    id: 'rtestrequest1',
    requester: { userId: 'U0REQ', teamId: 'T0TEAM', userName: 'alice' },
    channelId: 'C0INCIDENT',
    target: { namespace: 'shop', kind: 'pod', name: 'checkout-7d9f' },
    image: 'busybox:1.36',
    commands: [['ps', 'auxww']],
    createdAt: '2026-11-29T12:00:00.000Z',
    ...overrides,
  };
}

/** A logger that keeps records for assertions and prints nothing. */
export function aSilentLogger(records: Array<{ level: string; meta: object; msg: string }> = []): Logger {
  const make = (bindings: object): Logger => ({
    debug: (meta, msg) => records.push({ level: 'debug', meta: { ...bindings, ...meta }, msg }),
    info: (meta, msg) => records.push({ level: 'info', meta: { ...bindings, ...meta }, msg }),
    warn: (meta, msg) => records.push({ level: 'warn', meta: { ...bindings, ...meta }, msg }),
    error: (meta, msg) => records.push({ level: 'error', meta: { ...bindings, ...meta }, msg }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}

export const systemClock = { now: () => new Date() };

/** Who asks, as the access rules see it: alice, in no user group, from the incident channel. */
export function aRequesterContext(overrides: Partial<RequesterContext> = {}): RequesterContext {
  return { userId: 'U0ALICE', teamId: 'T0TEAM', groupIds: [], channelId: 'C0INCIDENT', ...overrides };
}

/** A sha256 image digest for tests. */
export const AN_IMAGE_DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

/** The parsed reference of an image the test knows is valid. */
export function aParsedImage(image: string): ImageReference {
  const parsed = parseImageReference(image);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.reference;
}
