import { describe, expect, it } from 'vitest';
import { digestRequest } from '../../../src/core/derive-ids.js';
import {
  type ApprovalContext,
  type RequestApprovalDeps,
  requestApproval,
} from '../../../src/core/request-approval.js';
import { aDebugRequest, aSilentLogger } from '../../helpers/builders.js';
import { FakeClock, FakeDirectory, MemoryApprovalAudit, MemoryApprovalStore } from './approval-fakes.js';

const context: ApprovalContext = {
  classification: {
    reasons: ['namespace shop matches "shop"'],
    approvers: { users: ['U0ALICE'], groups: ['@sre-oncall'] },
    approvalsRequired: 1,
    expiresInMs: 15 * 60_000,
  },
  cluster: 'prod-eu',
  reason: 'checkout is failing',
};

function deps(overrides: Partial<RequestApprovalDeps> = {}) {
  const d = {
    store: new MemoryApprovalStore(),
    directory: new FakeDirectory({ '@sre-oncall': ['U0BOB', 'U0REQ'] }),
    audit: new MemoryApprovalAudit(),
    clock: new FakeClock(),
    logger: aSilentLogger(),
    ...overrides,
  };
  return d as typeof d & { store: MemoryApprovalStore; audit: MemoryApprovalAudit; directory: FakeDirectory };
}

describe('requestApproval', () => {
  it('stores a pending approval with the request snapshot, digest and expiry, and audits it (row 18)', async () => {
    const d = deps();
    const request = aDebugRequest();
    const result = await requestApproval(request, context, d);
    expect(result).toEqual({
      status: 'pending',
      approval: {
        id: request.id,
        request,
        digest: digestRequest(request),
        cluster: 'prod-eu',
        reason: 'checkout is failing',
        productionReasons: ['namespace shop matches "shop"'],
        approvers: { users: ['U0ALICE'], groups: ['@sre-oncall'] },
        approvalsRequired: 1,
        createdAt: '2026-11-29T12:00:00.000Z',
        expiresAt: '2026-11-29T12:15:00.000Z',
        state: 'pending',
        approvals: [],
      },
    });
    expect(await d.store.get(request.id)).toEqual(result.status === 'pending' ? result.approval : undefined);
    expect(d.audit.records).toEqual([
      expect.objectContaining({
        event: 'approval_requested',
        requestId: request.id,
        digest: digestRequest(request),
        userId: 'U0REQ',
      }),
    ]);
  });

  it('resolves approvers through the directory and never lets the requester be one', async () => {
    const d = deps();
    await requestApproval(aDebugRequest(), context, d);
    const entry = d.store.entries.get('rtestrequest1')!;
    expect([...entry.approvers].sort()).toEqual(['T0TEAM:U0ALICE', 'T0TEAM:U0BOB']);
    expect(d.directory.lookups).toEqual(['@sre-oncall']);
  });

  it('refuses with "approval not configured" when too few people besides the requester can approve (row 25)', async () => {
    const d = deps({ directory: new FakeDirectory({ '@sre-oncall': ['U0REQ'] }) });
    const result = await requestApproval(
      aDebugRequest(),
      {
        classification: {
          ...context.classification,
          approvers: { users: ['U0REQ'], groups: ['@sre-oncall'] },
        },
      },
      d,
    );
    expect(result).toEqual({
      status: 'rejected',
      message: expect.stringMatching(/^approval not configured: .*needs 1 approval\(s\) but 0 approver/),
    });
    expect(d.store.entries.size).toBe(0);
    expect(d.audit.events()).toEqual(['approval_not_configured']);
  });

  it('fails closed when the approver groups cannot be looked up', async () => {
    const d = deps();
    d.directory.failWith = new Error('slack down');
    const result = await requestApproval(aDebugRequest(), context, d);
    expect(result).toMatchObject({
      status: 'unavailable',
      message: expect.stringMatching(/nothing was requested or run/),
    });
    expect(d.store.entries.size).toBe(0);
    expect(d.audit.events()).toEqual(['approval_unavailable']);
  });

  it('answers "unavailable" when the store is down', async () => {
    const d = deps();
    d.store.failWith = new Error('ECONNREFUSED');
    expect(await requestApproval(aDebugRequest(), context, d)).toMatchObject({ status: 'unavailable' });
  });

  it('treats a redelivered request (same id) as a duplicate of the stored approval', async () => {
    const d = deps();
    await requestApproval(aDebugRequest(), context, d);
    const again = await requestApproval(aDebugRequest(), context, d);
    expect(again).toMatchObject({ status: 'duplicate', approval: { id: 'rtestrequest1', state: 'pending' } });
    expect(d.audit.events()).toEqual(['approval_requested', 'approval_duplicate']);
  });

  it('maps the same command re-typed within 60 s by the same user in the same channel to the first request', async () => {
    const d = deps();
    const store = d.store;
    const withDedupe = { ...d, dedupe: store };
    await requestApproval(aDebugRequest({ id: 'rfirst' }), context, withDedupe);
    const retyped = await requestApproval(aDebugRequest({ id: 'rsecond' }), context, withDedupe);
    expect(retyped).toMatchObject({ status: 'duplicate', approval: { id: 'rfirst' } });
    const otherChannel = await requestApproval(
      aDebugRequest({ id: 'rthird', channelId: 'C0OTHER' }),
      context,
      withDedupe,
    );
    expect(otherChannel.status).toBe('pending');
    const otherCommand = await requestApproval(
      aDebugRequest({ id: 'rfourth', commands: [['df', '-h']] }),
      context,
      withDedupe,
    );
    expect(otherCommand.status).toBe('pending');
    expect([...store.entries.keys()]).toEqual(['rfirst', 'rthird', 'rfourth']);
  });

  it('starts afresh when the earlier request the claim points to is gone', async () => {
    const d = deps();
    const withDedupe = { ...d, dedupe: d.store };
    await requestApproval(aDebugRequest({ id: 'rfirst' }), context, withDedupe);
    d.store.deleteRecord('rfirst');
    expect(await requestApproval(aDebugRequest({ id: 'rsecond' }), context, withDedupe)).toMatchObject({
      status: 'pending',
    });
  });
});
