import { describe, expect, it } from 'vitest';
import type { DebugRequest } from '../../../src/core/model.js';
import { findAccessRule, mayRequest, requesterGroupsInPolicy } from '../../../src/policy/may-request.js';
import {
  type DebugPolicy,
  debugPolicySchema,
  defaultDebugPolicy,
} from '../../../src/policy/policy-schema.js';
import { aDebugRequest, aRequesterContext } from '../../helpers/builders.js';

const alice = aRequesterContext();

function request(namespace = 'shop', overrides: Partial<DebugRequest> = {}): DebugRequest {
  return aDebugRequest({ target: { namespace, kind: 'pod', name: 'web-1' }, ...overrides });
}

function policy(rules: unknown[]): DebugPolicy {
  return debugPolicySchema.parse({ access: { rules } });
}

describe('mayRequest', () => {
  it('lets everyone request with the default policy (the behaviour before access rules)', () => {
    expect(mayRequest(alice, request(), defaultDebugPolicy(), { cluster: 'prod-eu' })).toEqual({
      allowed: true,
    });
  });

  it('answers a repeated question alike and a changed policy or requester afresh (the gate asks twice per request)', () => {
    const req = request();
    const everyone = defaultDebugPolicy();
    const nobody = policy([]);
    expect(mayRequest(alice, req, everyone).allowed).toBe(true);
    expect(findAccessRule(alice, req, everyone, '')?.index).toBe(0);
    expect(mayRequest(alice, req, nobody).allowed).toBe(false);
    expect(findAccessRule(alice, req, nobody, '')).toBeUndefined();
    const onlyBob = policy([{ users: ['U0BOB'] }]);
    expect(mayRequest(alice, req, onlyBob).allowed).toBe(false);
    expect(mayRequest({ ...alice, userId: 'U0BOB' }, req, onlyBob).allowed).toBe(true);
    expect(mayRequest(alice, req, onlyBob).allowed).toBe(false);
  });

  it('lets nobody request with an explicit empty rule list', () => {
    expect(mayRequest(alice, request(), policy([]))).toEqual({
      allowed: false,
      reason:
        'you are not allowed to request debugging; ask an admin to add you or one of your user groups to policy.access',
    });
  });

  it('admits users by id (bare or team-qualified) or by user-group membership, never by name', () => {
    const byId = policy([{ users: ['U0ALICE'] }]);
    expect(mayRequest(alice, request(), byId).allowed).toBe(true);
    expect(mayRequest({ ...alice, userId: 'U0BOB' }, request(), byId).allowed).toBe(false);
    const qualified = policy([{ users: ['T0TEAM:U0ALICE'] }]);
    expect(mayRequest(alice, request(), qualified).allowed).toBe(true);
    expect(mayRequest({ ...alice, teamId: 'T0OTHER' }, request(), qualified).allowed).toBe(false);
    const byGroup = policy([{ userGroups: ['S0SRE'] }]);
    expect(mayRequest({ ...alice, groupIds: ['S0SRE'] }, request(), byGroup).allowed).toBe(true);
    expect(mayRequest(alice, request(), byGroup).allowed).toBe(false);
  });

  it('restricts channels, clusters and namespaces, naming the furthest step that failed', () => {
    const pol = policy([
      { users: ['U0ALICE'], channels: ['C0INCIDENT'], clusters: ['prod-*'], namespaces: ['shop', 'team-*'] },
    ]);
    expect(mayRequest(alice, request('team-a'), pol, { cluster: 'prod-eu' })).toEqual({ allowed: true });
    expect(mayRequest({ ...alice, channelId: 'C0RANDOM' }, request(), pol, { cluster: 'prod-eu' })).toEqual({
      allowed: false,
      reason:
        'you cannot request debugging from this channel; use a channel an admin opened for you in policy.access',
    });
    expect(mayRequest(alice, request('payments'), pol, { cluster: 'prod-eu' })).toEqual({
      allowed: false,
      reason:
        'you are not allowed to debug pods in namespace payments on cluster prod-eu; ask an admin to extend policy.access',
    });
    expect(mayRequest(alice, request(), pol, { cluster: 'staging' }).allowed).toBe(false);
    expect(mayRequest(alice, request(), pol).allowed).toBe(false);
  });

  it('checks profiles and images per rule', () => {
    const pol = policy([{ users: ['*'], profiles: ['restricted'], images: ['docker.io/library/busybox:*'] }]);
    expect(mayRequest(alice, request('shop', { profile: 'restricted' }), pol).allowed).toBe(true);
    expect(mayRequest(alice, request('shop', { profile: 'netadmin' }), pol)).toEqual({
      allowed: false,
      reason: 'profile netadmin is not allowed for you here (allowed: restricted); pick one of those',
    });
    // no profile named: the policy default (general) is what runs
    expect(mayRequest(alice, request(), pol).allowed).toBe(false);
    expect(mayRequest(alice, request('shop', { profile: 'restricted', image: 'alpine:3.20' }), pol)).toEqual({
      allowed: false,
      reason:
        'image alpine:3.20 is not allowed for you here (allowed: docker.io/library/busybox:*); use one of those',
    });
  });

  it('governs a request by the first rule that admits it completely', () => {
    const pol = policy([
      { name: 'strict', users: ['*'], namespaces: ['shop'], profiles: ['restricted'], approvalsRequired: 2 },
      { name: 'sre', userGroups: ['S0SRE'], namespaces: ['*'] },
    ]);
    const sre = { ...alice, groupIds: ['S0SRE'] };
    expect(findAccessRule(sre, request('shop', { profile: 'restricted' }), pol, '')?.name).toBe('strict');
    expect(findAccessRule(sre, request('shop', { profile: 'general' }), pol, '')?.name).toBe('sre');
    expect(findAccessRule(alice, request('shop', { profile: 'general' }), pol, '')).toBeUndefined();
    expect(findAccessRule(alice, request('shop', { profile: 'restricted' }), pol, '')).toMatchObject({
      index: 0,
      name: 'strict',
    });
    expect(findAccessRule(sre, request('x'), policy([{ userGroups: ['S0SRE'] }]), '')?.name).toBe('rule 1');
  });

  it('shows hostile namespace and image values safely', () => {
    const pol = policy([{ users: ['*'], namespaces: ['shop'] }]);
    const reason = mayRequest(alice, request(`x\u001b]0;t\u0007${'y'.repeat(200)}`), pol);
    expect(reason.allowed === false && reason.reason).not.toMatch(/[\u0000-\u001f]/);
  });

  it('lists the user groups worth looking up', () => {
    expect(
      requesterGroupsInPolicy(policy([{ userGroups: ['S0A', '@b'] }, { userGroups: ['S0A'], users: ['*'] }])),
    ).toEqual(['S0A', '@b']);
  });
});
