import type { RequestClassification, TargetContext } from '../core/approval-model.js';
import type { DebugRequest } from '../core/model.js';
import { findMatchingGlob } from './match-glob.js';
import { findMatchingSelector } from './match-labels.js';
import { findAccessRule } from './may-request.js';
import type { DebugPolicy } from './policy-schema.js';
import { showValue } from './show-value.js';

const MINUTE_MS = 60_000;

/**
 * Decides whether a request targets production and, if so, who must approve it, how many of them,
 * and for how long the approval may wait. Pure. Fails closed twice: labels that production rules
 * look at but that are unknown count as production, and production with no (or too few) approvers
 * configured is refused with "approval not configured".
 */
export function classifyRequest(
  request: Pick<DebugRequest, 'target' | 'image' | 'profile'>,
  context: TargetContext,
  policy: DebugPolicy,
): RequestClassification {
  const reasons = productionReasons(request.target, context, policy.production);
  const match = context.requester
    ? findAccessRule(context.requester, request, policy, context.cluster)
    : undefined;
  const approvers = match?.rule.approvers ?? policy.approvals.approvers;
  const approvalsRequired = match?.rule.approvalsRequired ?? policy.approvals.required;
  const expiresInMs = (match?.rule.expiresInMinutes ?? policy.approvals.expiresInMinutes) * MINUTE_MS;
  const production = reasons.length > 0;
  const where = match ? `access rule "${match.name}"` : 'policy.approvals';

  let problem: string | undefined;
  if (production && approvers.users.length === 0 && approvers.groups.length === 0) {
    problem = `approval not configured: this target is production (${reasons[0]}) but no approvers are set; ask an admin to set approvers in ${where}`;
  } else if (
    production &&
    approvers.groups.length === 0 &&
    new Set(approvers.users).size < approvalsRequired
  ) {
    const listed = new Set(approvers.users).size;
    problem = `approval not configured: ${approvalsRequired} approvals are required but only ${listed} ${listed === 1 ? 'approver is' : 'approvers are'} listed in ${where}; ask an admin to fix it`;
  }
  return {
    production,
    reasons,
    ...(match ? { rule: { index: match.index, name: match.name } } : {}),
    approvers,
    approvalsRequired,
    expiresInMs,
    decision: problem === undefined ? { allowed: true } : { allowed: false, reason: problem },
  };
}

/** Every production criterion the target meets, as short clauses. */
export function productionReasons(
  target: DebugRequest['target'],
  context: TargetContext,
  production: DebugPolicy['production'],
): string[] {
  const reasons: string[] = [];
  const cluster = findMatchingGlob(production.clusters, context.cluster);
  if (cluster !== undefined) reasons.push(`cluster ${showValue(context.cluster)} matches "${cluster}"`);
  const namespace = findMatchingGlob(production.namespaces, target.namespace);
  if (namespace !== undefined)
    reasons.push(`namespace ${showValue(target.namespace)} matches "${namespace}"`);
  const labelChecks = [
    { selectors: production.namespaceLabels, labels: context.namespaceLabels, what: 'namespace' },
    { selectors: production.podLabels, labels: context.podLabels, what: 'pod' },
  ];
  for (const { selectors, labels, what } of labelChecks) {
    if (selectors.length === 0) continue;
    if (labels === undefined) {
      reasons.push(`${what} labels are unknown, so the target is treated as production`);
      continue;
    }
    const selector = findMatchingSelector(selectors, labels);
    if (selector !== undefined) reasons.push(`${what} label matches "${selector}"`);
  }
  return reasons;
}
