import { describe, expect, it } from 'vitest';
import type { DebugRequest } from '../../../src/core/model.js';
import { classifyRequest } from '../../../src/policy/classify-request.js';
import {
  type DebugPolicy,
  debugPolicySchema,
  defaultDebugPolicy,
} from '../../../src/policy/policy-schema.js';
import { aDebugRequest, aRequesterContext } from '../../helpers/builders.js';

const alice = aRequesterContext();

function request(namespace = 'shop', kind: DebugRequest['target']['kind'] = 'pod'): DebugRequest {
  return aDebugRequest({ target: { namespace, kind, name: 'web-1' } });
}

function policy(input: Record<string, unknown>): DebugPolicy {
  return debugPolicySchema.parse(input);
}

const approvals = { approvers: { users: ['U0BOB'], groups: ['@sre'] } };

describe('classifyRequest', () => {
  it('treats nothing as production under the default policy', () => {
    expect(classifyRequest(request(), { cluster: 'prod' }, defaultDebugPolicy())).toEqual({
      production: false,
      reasons: [],
      approvers: { users: [], groups: [] },
      approvalsRequired: 1,
      expiresInMs: 15 * 60_000,
      decision: { allowed: true },
    });
  });

  it('classifies by cluster and namespace globs, giving every reason', () => {
    const pol = policy({ production: { clusters: ['prod-*'], namespaces: ['shop', '*-prod'] }, approvals });
    expect(classifyRequest(request('shop'), { cluster: 'prod-eu' }, pol)).toMatchObject({
      production: true,
      reasons: ['cluster prod-eu matches "prod-*"', 'namespace shop matches "shop"'],
      decision: { allowed: true },
    });
    expect(classifyRequest(request('pay-prod'), { cluster: 'dev' }, pol).reasons).toEqual([
      'namespace pay-prod matches "*-prod"',
    ]);
    expect(classifyRequest(request('dev'), { cluster: 'dev' }, pol).production).toBe(false);
  });

  it('classifies by namespace and pod labels', () => {
    const pol = policy({
      production: { namespaceLabels: ['env=prod*'], podLabels: ['tier=critical'] },
      approvals,
    });
    const labels = (ns: Record<string, string>, pod: Record<string, string>) =>
      classifyRequest(request(), { cluster: 'c', namespaceLabels: ns, podLabels: pod }, pol);
    expect(labels({ env: 'production' }, {}).reasons).toEqual(['namespace label matches "env=prod*"']);
    expect(labels({}, { tier: 'critical' }).reasons).toEqual(['pod label matches "tier=critical"']);
    expect(labels({ env: 'dev' }, { tier: 'low' }).production).toBe(false);
  });

  it('fails closed: labels that production rules look at but that are unknown count as production', () => {
    const pol = policy({
      production: { namespaceLabels: ['env=prod'], podLabels: ['tier=critical'] },
      approvals,
    });
    expect(classifyRequest(request(), { cluster: 'c', namespaceLabels: { env: 'dev' } }, pol)).toMatchObject({
      production: true,
      reasons: ['pod labels are unknown, so the target is treated as production'],
    });
    expect(classifyRequest(request(), { cluster: 'c' }, pol).reasons).toHaveLength(2);
    // without label rules, unknown labels do not matter
    expect(classifyRequest(request(), { cluster: 'c' }, policy({ approvals })).production).toBe(false);
  });

  it('refuses production with no approvers configured: "approval not configured" (row 25)', () => {
    const pol = policy({ production: { namespaces: ['shop'] } });
    const result = classifyRequest(request(), { cluster: 'c' }, pol);
    expect(result.production).toBe(true);
    expect(result.decision).toEqual({
      allowed: false,
      reason:
        'approval not configured: this target is production (namespace shop matches "shop") but no approvers are set; ask an admin to set approvers in policy.approvals',
    });
    expect(classifyRequest(request('dev'), { cluster: 'c' }, pol).decision).toEqual({ allowed: true });
  });

  it('refuses when more approvals are required than listed approvers can give', () => {
    const pol = policy({
      production: { namespaces: ['*'] },
      approvals: { approvers: { users: ['U0BOB', 'U0BOB'] }, required: 2 },
    });
    expect(classifyRequest(request(), { cluster: 'c' }, pol).decision).toEqual({
      allowed: false,
      reason:
        'approval not configured: 2 approvals are required but only 1 approver is listed in policy.approvals; ask an admin to fix it',
    });
  });

  it("takes approvers, count and expiry from the requester's governing rule", () => {
    const pol = policy({
      production: { namespaces: ['shop'] },
      approvals: { approvers: { users: ['U0BOB'] }, expiresInMinutes: 10 },
      access: {
        rules: [
          {
            name: 'payments',
            users: ['U0ALICE'],
            namespaces: ['shop'],
            approvers: { groups: ['S0PAYLEADS'] },
            approvalsRequired: 2,
            expiresInMinutes: 5,
          },
          { users: ['*'] },
        ],
      },
    });
    expect(classifyRequest(request(), { cluster: 'c', requester: alice }, pol)).toMatchObject({
      production: true,
      rule: { index: 0, name: 'payments' },
      approvers: { users: [], groups: ['S0PAYLEADS'] },
      approvalsRequired: 2,
      expiresInMs: 5 * 60_000,
      decision: { allowed: true },
    });
    const other = classifyRequest(
      request(),
      { cluster: 'c', requester: { ...alice, userId: 'U0CAROL' } },
      pol,
    );
    expect(other).toMatchObject({
      rule: { index: 1, name: 'rule 2' },
      approvers: { users: ['U0BOB'], groups: [] },
      expiresInMs: 10 * 60_000,
    });
  });

  it('an explicitly empty approver list on a rule is "not configured", not a fallback', () => {
    const pol = policy({
      production: { namespaces: ['shop'] },
      approvals,
      access: { rules: [{ users: ['*'], approvers: { users: [], groups: [] } }] },
    });
    const result = classifyRequest(request(), { cluster: 'c', requester: alice }, pol);
    expect(result.decision).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/^approval not configured: .*access rule "rule 1"/),
    });
  });
});
