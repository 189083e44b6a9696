import { hash } from 'node:crypto';
import type { DebugRequest } from './model.js';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** `length` letters of ALPHABET, one per digest byte (byte mod 32), from a hex digest. */
function encode(hexDigest: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET[Number.parseInt(hexDigest.slice(2 * i, 2 * i + 2), 16) % ALPHABET.length];
  }
  return out;
}

/**
 * Request id from the platform's delivery id (Slack `trigger_id` / `event_id`): the same delivery
 * always maps to the same id, so a redelivered command dedupes on the BullMQ job id.
 * Never all digits and never contains `:` (BullMQ custom id rules). The digest is taken as hex: a
 * Buffer result costs an ArrayBuffer per call (about three times the hash itself on the ack path).
 */
export function deriveRequestId(teamId: string, deliveryId: string): string {
  return `r${encode(hash('sha256', `${teamId}\u0000${deliveryId}`, 'hex'), 11)}`;
}

/** Ephemeral container name: a DNS-1123 label derived from the request id, so retries adopt, never duplicate. */
export function deriveContainerName(requestId: string): string {
  return `dbg-${requestId.toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 63);
}

/** Prefix every container this bot adds carries; used to count ours in a pod. */
export const CONTAINER_PREFIX = 'dbg-';

/** sha256 over what will run: target, image, profile and the exact argv. Approvals and audit bind to it. */
export function digestRequest(
  request: Pick<DebugRequest, 'target' | 'image' | 'profile' | 'commands'>,
): string {
  const canonical = JSON.stringify([
    request.target.namespace,
    request.target.kind,
    request.target.name,
    request.target.container ?? null,
    request.image,
    request.profile ?? null,
    request.commands,
  ]);
  return hash('sha256', canonical, 'hex');
}
