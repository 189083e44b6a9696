import type { RequesterContext } from '../core/approval-model.js';
import type { DebugRequest, PolicyDecision } from '../core/model.js';
import { parseImageReference } from '../core/parse-image-reference.js';
import { matchImagePattern } from './check-image.js';
import { findMatchingGlob } from './match-glob.js';
import type { AccessRule, DebugPolicy } from './policy-schema.js';
import { listForMessage, showValue } from './show-value.js';

/** The access rule that governs a request. */
export interface AccessMatch {
  rule: AccessRule;
  index: number;
  /** The rule's name, or `rule <n>` (1-based). */
  name: string;
}

type Evaluation = { match: AccessMatch } | { reason: string };

/**
 * Whether `requester` may ask for `request` under `policy.access`: some rule must admit the user
 * (by id or user group), the channel, the cluster and namespace, the profile and the image. Pure.
 * The refusal names the furthest step any rule got to, so the message says what to change.
 */
export function mayRequest(
  requester: RequesterContext,
  request: Pick<DebugRequest, 'target' | 'image' | 'profile'>,
  policy: DebugPolicy,
  target: { cluster?: string } = {},
): PolicyDecision {
  const result = evaluateAccess(requester, request, policy, target.cluster ?? '');
  return 'match' in result ? { allowed: true } : { allowed: false, reason: result.reason };
}

/** The first rule (in config order) that admits the request, or undefined. */
export function findAccessRule(
  requester: RequesterContext,
  request: Pick<DebugRequest, 'target' | 'image' | 'profile'>,
  policy: DebugPolicy,
  cluster: string,
): AccessMatch | undefined {
  const result = evaluateAccess(requester, request, policy, cluster);
  return 'match' in result ? result.match : undefined;
}

/** User groups named by access rules: the only memberships worth looking up for a requester. */
export function requesterGroupsInPolicy(policy: DebugPolicy): string[] {
  return [...new Set(policy.access.rules.flatMap((rule) => rule.userGroups))];
}

const STEPS = ['user', 'channel', 'target', 'profile', 'image'] as const;

function evaluateAccess(
  requester: RequesterContext,
  request: Pick<DebugRequest, 'target' | 'image' | 'profile'>,
  policy: DebugPolicy,
  cluster: string,
): Evaluation {
  const profile = request.profile ?? policy.profiles.default;
  let furthest = -1;
  let failed: { rule: AccessRule; step: (typeof STEPS)[number] } | undefined;
  const rules = policy.access.rules;
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index]!;
    const step = firstFailedStep(rule, requester, request, profile, cluster, policy);
    if (step === -1) return { match: { rule, index, name: rule.name ?? `rule ${index + 1}` } };
    if (step > furthest) {
      furthest = step;
      failed = { rule, step: STEPS[step]! };
    }
  }
  return { reason: explain(failed, request, profile, cluster, policy) };
}

/** Index into STEPS of the first check `rule` fails, or -1 when it admits the request. */
function firstFailedStep(
  rule: AccessRule,
  requester: RequesterContext,
  request: Pick<DebugRequest, 'target' | 'image'>,
  profile: DebugPolicy['profiles']['default'],
  cluster: string,
  policy: DebugPolicy,
): number {
  if (!admitsUser(rule, requester)) return 0;
  if (rule.channels.length > 0 && !rule.channels.includes(requester.channelId)) return 1;
  if (
    findMatchingGlob(rule.clusters, cluster) === undefined ||
    findMatchingGlob(rule.namespaces, request.target.namespace) === undefined
  )
    return 2;
  if (!(rule.profiles ?? policy.profiles.allow).includes(profile)) return 3;
  if (!admitsImage(rule, request.image)) return 4;
  return -1;
}

function admitsUser(rule: AccessRule, requester: RequesterContext): boolean {
  const qualified = requester.teamId === undefined ? undefined : `${requester.teamId}:${requester.userId}`;
  return (
    rule.users.some((entry) => entry === '*' || entry === requester.userId || entry === qualified) ||
    rule.userGroups.some((group) => requester.groupIds.includes(group))
  );
}

function admitsImage(rule: AccessRule, image: string): boolean {
  if (rule.images === undefined) return true;
  const parsed = parseImageReference(image);
  return parsed.ok && rule.images.some((pattern) => matchImagePattern(pattern, parsed.reference));
}

function explain(
  failed: { rule: AccessRule; step: (typeof STEPS)[number] } | undefined,
  request: Pick<DebugRequest, 'target' | 'image'>,
  profile: string,
  cluster: string,
  policy: DebugPolicy,
): string {
  const namespace = showValue(request.target.namespace);
  switch (failed?.step) {
    case undefined:
    case 'user':
      return 'you are not allowed to request debugging; ask an admin to add you or one of your user groups to policy.access';
    case 'channel':
      return 'you cannot request debugging from this channel; use a channel an admin opened for you in policy.access';
    case 'target':
      return `you are not allowed to debug pods in namespace ${namespace}${cluster ? ` on cluster ${showValue(cluster)}` : ''}; ask an admin to extend policy.access`;
    case 'profile':
      return `profile ${profile} is not allowed for you here (allowed: ${listForMessage(failed.rule.profiles ?? policy.profiles.allow)}); pick one of those`;
    case 'image':
      return `image ${showValue(request.image)} is not allowed for you here (allowed: ${listForMessage(failed.rule.images ?? [])}); use one of those`;
  }
}
