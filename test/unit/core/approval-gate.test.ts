import { describe, expect, it } from 'vitest';
import { authorizeRequester } from '../../../src/core/authorize-requester.js';
import { type GateDeps, gateDebugRequest } from '../../../src/core/gate-debug-request.js';
import type { DebugRequest } from '../../../src/core/model.js';
import { classifyRequest } from '../../../src/policy/classify-request.js';
import { mayRequest, requesterGroupsInPolicy } from '../../../src/policy/may-request.js';
import { type DebugPolicy, debugPolicySchema } from '../../../src/policy/policy-schema.js';
import { aDebugRequest, aSilentLogger } from '../../helpers/builders.js';
import {
  FakeClock,
  FakeDirectory,
  FakeReviewer,
  MemoryApprovalAudit,
  MemoryApprovalStore,
} from './approval-fakes.js';

const basePolicy = {
  production: { namespaces: ['shop'], podLabels: ['tier=critical'] },
  approvals: { approvers: { users: ['U0ALICE'], groups: ['@sre'] } },
  access: { rules: [{ userGroups: ['S0DEVS'], namespaces: ['shop', 'dev'] }] },
};

function setup(policyInput: Record<string, unknown> = basePolicy, overrides: Partial<GateDeps> = {}) {
  const policy: DebugPolicy = debugPolicySchema.parse(policyInput);
  const store = new MemoryApprovalStore();
  const audit = new MemoryApprovalAudit();
  const directory = new FakeDirectory({ S0DEVS: ['U0REQ'], '@sre': ['U0BOB'] });
  const deps: GateDeps = {
    cluster: 'prod-eu',
    mayRequest: (requester, request) => mayRequest(requester, request, policy, { cluster: 'prod-eu' }),
    classify: (request, context) => classifyRequest(request, context, policy),
    requesterGroups: requesterGroupsInPolicy(policy),
    directory,
    readTargetLabels: async () => ({ podLabels: { tier: 'web' } }),
    store,
    dedupe: store,
    audit,
    clock: new FakeClock(),
    logger: aSilentLogger(),
    ...overrides,
  };
  return { deps, store, audit, directory };
}

function request(namespace: string, overrides: Partial<DebugRequest> = {}): DebugRequest {
  return aDebugRequest({ target: { namespace, kind: 'pod', name: 'web-1' }, ...overrides });
}

describe('gateDebugRequest', () => {
  it('lets a non-production request through to the queue, opening no approval', async () => {
    const { deps, store, audit } = setup();
    expect(await gateDebugRequest(request('dev'), {}, deps)).toMatchObject({
      status: 'run',
      classification: { production: false },
    });
    expect(store.entries.size).toBe(0);
    expect(audit.records).toEqual([]);
  });

  it('opens an approval for a production target instead of a job (row 18)', async () => {
    const { deps, store, audit } = setup();
    const result = await gateDebugRequest(request('shop'), { reason: 'incident 42' }, deps);
    expect(result).toMatchObject({
      status: 'pending',
      approval: {
        state: 'pending',
        reason: 'incident 42',
        cluster: 'prod-eu',
        productionReasons: ['namespace shop matches "shop"'],
      },
    });
    expect(store.entries.size).toBe(1);
    expect(audit.events()).toEqual(['approval_requested']);
  });

  it('refuses requesters no rule admits, and audits it', async () => {
    const { deps, audit } = setup();
    const stranger = request('dev', { requester: { userId: 'U0STRANGER', teamId: 'T0TEAM' } });
    expect(await gateDebugRequest(stranger, {}, deps)).toMatchObject({
      status: 'rejected',
      message: expect.stringMatching(/not allowed to request debugging/),
    });
    expect(audit.records).toEqual([
      expect.objectContaining({ event: 'denied_access', userId: 'U0STRANGER' }),
    ]);
  });

  it('refuses what Kubernetes RBAC does not allow: "you are not allowed to debug pods in namespace X" (row 17)', async () => {
    const reviewer = new FakeReviewer();
    reviewer.allowed = (_user, namespace) => namespace !== 'shop';
    const settings = {
      subjectAccessReview: true,
      users: { U0REQ: 'req@example.com' },
      useEmail: false,
      groups: [],
    };
    const { deps, store, audit } = setup(basePolicy, {
      authorize: (r) => authorizeRequester(r, { settings, reviewer }),
    });
    const result = await gateDebugRequest(request('shop'), {}, deps);
    expect(result).toEqual({
      status: 'rejected',
      message: 'you are not allowed to debug pods in namespace shop (Kubernetes RBAC for req@example.com)',
    });
    expect(store.entries.size).toBe(0);
    expect(audit.records).toEqual([
      expect.objectContaining({ event: 'denied_authz', reason: 'denied: no RBAC rule' }),
    ]);
    expect(await gateDebugRequest(request('dev'), {}, deps)).toMatchObject({ status: 'run' });
  });

  it('refuses production when approval is not configured, running nothing (row 25)', async () => {
    const { deps, store, audit } = setup({ ...basePolicy, approvals: {} });
    const result = await gateDebugRequest(request('shop'), {}, deps);
    expect(result).toMatchObject({
      status: 'rejected',
      message: expect.stringMatching(/^approval not configured/),
    });
    expect(store.entries.size).toBe(0);
    expect(audit.events()).toEqual(['approval_not_configured']);
  });

  it('fails closed on unknown pod labels: the lookup failed, so approval is needed', async () => {
    const { deps } = setup(basePolicy, {
      readTargetLabels: async () => Promise.reject(new Error('api down')),
    });
    expect(await gateDebugRequest(request('dev'), {}, deps)).toMatchObject({
      status: 'pending',
      approval: { productionReasons: ['pod labels are unknown, so the target is treated as production'] },
    });
  });

  it('answers "unavailable" when user groups cannot be looked up', async () => {
    const { deps, directory } = setup();
    directory.failWith = new Error('slack down');
    expect(await gateDebugRequest(request('dev'), {}, deps)).toMatchObject({ status: 'unavailable' });
  });

  it('reports a re-typed production command as a duplicate of the pending approval', async () => {
    const { deps } = setup();
    await gateDebugRequest(request('shop', { id: 'rone' }), {}, deps);
    expect(await gateDebugRequest(request('shop', { id: 'rtwo' }), {}, deps)).toMatchObject({
      status: 'duplicate',
      approval: { id: 'rone' },
    });
  });
});
