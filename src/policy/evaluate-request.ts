import type { DebugRequest, PolicyDecision } from '../core/model.js';
import { checkCommands } from './check-commands.js';
import { checkImage } from './check-image.js';
import { findMatchingGlob } from './match-glob.js';
import type { DebugPolicy } from './policy-schema.js';
import { listForMessage, showValue } from './show-value.js';

export type { DebugPolicy } from './policy-schema.js';

const NAMESPACE_NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Decides whether `request` may run under `policy`, checking namespace, image, profile and commands
 * in that order. The first refusal wins; its reason is one short sentence that says what to change.
 * Pure and synchronous: no I/O, no clock.
 */
export function evaluateRequest(request: DebugRequest, policy: DebugPolicy): PolicyDecision {
  const reason =
    checkNamespace(request.target.namespace, policy.namespaces) ??
    checkImage(request.image, policy.images) ??
    checkProfile(request, policy.profiles) ??
    checkCommands(request.commands, policy.limits, policy.commands.allow);
  return reason === undefined ? { allowed: true } : { allowed: false, reason };
}

/** Deny patterns win over allow patterns; names that are not DNS-1123 labels never pass. */
export function checkNamespace(namespace: string, policy: DebugPolicy['namespaces']): string | undefined {
  if (!NAMESPACE_NAME.test(namespace)) {
    return `namespace ${showValue(namespace)} is not a valid namespace name (lower-case letters, digits and -)`;
  }
  const denied = findMatchingGlob(policy.deny, namespace);
  if (denied !== undefined) {
    return `namespace ${namespace} is not open to debugging (denied by "${denied}"); debug a pod in another namespace or ask an admin`;
  }
  if (findMatchingGlob(policy.allow, namespace) === undefined) {
    return `namespace ${namespace} is not open to debugging (allowed: ${listForMessage(policy.allow)}); debug a pod in one of those`;
  }
  return undefined;
}

/** The requested profile, or the policy's default when the request names none, must be allowed. */
export function checkProfile(request: DebugRequest, policy: DebugPolicy['profiles']): string | undefined {
  const profile = request.profile ?? policy.default;
  if (policy.allow.includes(profile)) return undefined;
  return `profile ${profile} is not allowed here (allowed: ${listForMessage(policy.allow)}); pick one of those`;
}
