import { beforeEach, describe, expect, it } from 'vitest';
import type { Approval, UserRef } from '../../../src/core/approval-model.js';
import { type DecideApprovalInput, decideApproval } from '../../../src/core/decide-approval.js';
import { sweepExpiredApprovals } from '../../../src/core/expire-approvals.js';
import { aSilentLogger } from '../../helpers/builders.js';
import { MemoryApprovalAudit, MemoryApprovalStore, recordingEnqueue } from './approval-fakes.js';
import { ALICE, aNewApproval, at, BOB, CAROL, REQUESTER } from './approval-store-contract.js';

describe('decideApproval', () => {
  let store: MemoryApprovalStore;
  let audit: MemoryApprovalAudit;
  let enqueue: ReturnType<typeof recordingEnqueue>;

  beforeEach(() => {
    store = new MemoryApprovalStore();
    audit = new MemoryApprovalAudit();
    enqueue = recordingEnqueue();
  });

  async function open(required = 1, approvers: UserRef[] = [ALICE, BOB, CAROL]): Promise<Approval> {
    const approval = aNewApproval({ approvalsRequired: required });
    await store.create(approval, approvers);
    return (await store.get(approval.id))!;
  }

  function click(
    approvalId: string,
    clicker: UserRef,
    decision: DecideApprovalInput['decision'] = 'approve',
    now = at(1),
  ) {
    return decideApproval(
      { approvalId, clicker, decision, now },
      { store, audit, logger: aSilentLogger(), enqueue, mention: (u) => `<@${u.userId}>` },
    );
  }

  it('enqueues the stored snapshot exactly once when approved, and marks it enqueued', async () => {
    const approval = await open();
    const result = await click(approval.id, ALICE);
    expect(result).toMatchObject({
      status: 'approved',
      enqueued: true,
      approval: { state: 'approved', decidedBy: ALICE },
    });
    expect(enqueue.calls).toEqual([approval.request]);
    expect((await store.get(approval.id))?.enqueuedAt).toBe(at(1).toISOString());
    expect(audit.records).toEqual([
      expect.objectContaining({
        event: 'approved',
        approvalId: approval.id,
        actorUserId: 'U0ALICE',
        actorTeamId: 'T0TEAM',
        userId: 'U0REQ',
      }),
    ]);
    const late = await click(approval.id, BOB);
    expect(late).toMatchObject({
      status: 'refused',
      reason: 'already_decided',
      message: 'This request was already approved by <@U0ALICE>.',
    });
    expect(enqueue.calls).toHaveLength(1);
    expect(audit.events()).toEqual(['approved', 'approval_refused_decided']);
  });

  it("refuses the requester's own approval and keeps it pending (row 19)", async () => {
    const approval = await open(1, [REQUESTER, ALICE]);
    expect(await click(approval.id, REQUESTER)).toMatchObject({
      status: 'refused',
      reason: 'self',
      message: "You can't approve your own request.",
    });
    expect(await click(approval.id, REQUESTER, 'deny')).toMatchObject({
      reason: 'self',
      message: expect.stringMatching(/use Cancel/),
    });
    expect((await store.get(approval.id))?.state).toBe('pending');
    expect(audit.events()).toEqual(['approval_refused_self', 'approval_refused_self']);
    expect(enqueue.calls).toEqual([]);
  });

  it('refuses non-approvers: another id with an approver name, and an approver id from another team (row 20)', async () => {
    const approval = await open(1, [ALICE]);
    const lookalike = { userId: 'U0MALLORY', teamId: 'T0TEAM', userName: 'alice' };
    expect(await click(approval.id, lookalike)).toMatchObject({ status: 'refused', reason: 'not_approver' });
    expect(await click(approval.id, { userId: 'U0ALICE', teamId: 'T0ELSEWHERE' })).toMatchObject({
      reason: 'not_approver',
    });
    expect(audit.records.map((r) => [r.event, r.actorUserId, r.actorTeamId])).toEqual([
      ['approval_refused_not_approver', 'U0MALLORY', 'T0TEAM'],
      ['approval_refused_not_approver', 'U0ALICE', 'T0ELSEWHERE'],
    ]);
  });

  it('makes a deny final, with nothing enqueued', async () => {
    const approval = await open();
    expect(await click(approval.id, BOB, 'deny')).toMatchObject({
      status: 'denied',
      approval: { state: 'denied' },
    });
    expect(await click(approval.id, ALICE)).toMatchObject({
      status: 'refused',
      message: 'This request was already denied by <@U0BOB>.',
    });
    expect(enqueue.calls).toEqual([]);
    expect(audit.events()).toEqual(['approval_denied', 'approval_refused_decided']);
  });

  it('accumulates distinct approvers when more than one approval is required', async () => {
    const approval = await open(2);
    expect(await click(approval.id, ALICE)).toMatchObject({
      status: 'approval_recorded',
      remaining: 1,
      message: expect.stringMatching(/1 more needed/),
    });
    expect(await click(approval.id, ALICE)).toMatchObject({
      status: 'refused',
      reason: 'already_approved_by_you',
    });
    expect(enqueue.calls).toEqual([]);
    expect(await click(approval.id, CAROL)).toMatchObject({ status: 'approved' });
    expect(enqueue.calls).toHaveLength(1);
    expect(audit.events()).toEqual(['approval_recorded', 'approval_refused_duplicate', 'approved']);
  });

  it('expires on a click past the expiry (row 23): "expired", audit "expired" once, nothing runs', async () => {
    const approval = await open();
    const first = await click(approval.id, ALICE, 'approve', at(15));
    expect(first).toMatchObject({
      status: 'expired',
      changed: true,
      message: expect.stringMatching(/expired before it was approved; nothing was run/),
    });
    expect(await click(approval.id, BOB, 'approve', at(20))).toMatchObject({
      status: 'expired',
      changed: false,
    });
    expect(audit.events()).toEqual(['expired', 'approval_refused_expired']);
    expect(enqueue.calls).toEqual([]);
  });

  it('refuses when the stored request changed after the card was built (row 24)', async () => {
    const approval = await open();
    store.setStoredRequest(approval.id, { ...approval.request, image: 'evil.example.com/miner:1' });
    expect(await click(approval.id, ALICE)).toMatchObject({ status: 'refused', reason: 'digest_mismatch' });
    expect(await click(approval.id, ALICE, 'deny')).toMatchObject({
      status: 'refused',
      reason: 'digest_mismatch',
    });
    expect(enqueue.calls).toEqual([]);
    expect(audit.events()).toEqual(['approval_refused_digest', 'approval_refused_digest']);
    // the requester can still withdraw it
    expect(await click(approval.id, REQUESTER, 'cancel')).toMatchObject({ status: 'cancelled' });
  });

  it('binds to the digest the card showed when the chat layer passes it back', async () => {
    const approval = await open();
    const stale = await decideApproval(
      {
        approvalId: approval.id,
        clicker: ALICE,
        decision: 'approve',
        now: at(1),
        shownDigest: 'a'.repeat(64),
      },
      { store, audit, logger: aSilentLogger(), enqueue },
    );
    expect(stale).toMatchObject({ status: 'refused', reason: 'digest_mismatch' });
    const good = await decideApproval(
      {
        approvalId: approval.id,
        clicker: ALICE,
        decision: 'approve',
        now: at(1),
        shownDigest: approval.digest,
      },
      { store, audit, logger: aSilentLogger(), enqueue },
    );
    expect(good.status).toBe('approved');
  });

  it('answers "not found or expired" for lost records and hostile ids, and runs nothing (row 37)', async () => {
    const approval = await open();
    store.deleteRecord(approval.id);
    expect(await click(approval.id, ALICE)).toEqual({
      status: 'not_found',
      message: expect.stringMatching(/not found or has expired/),
    });
    expect(await click('*', ALICE)).toMatchObject({ status: 'not_found' });
    expect(await click('a:b', ALICE)).toMatchObject({ status: 'not_found' });
    expect(enqueue.calls).toEqual([]);
    expect(audit.records[0]).toMatchObject({
      event: 'approval_refused_not_found',
      approvalId: approval.id,
      actorUserId: 'U0ALICE',
    });
    expect(audit.records[1]).not.toHaveProperty('approvalId');
  });

  it('lets only the requester cancel', async () => {
    const approval = await open();
    expect(await click(approval.id, ALICE, 'cancel')).toMatchObject({
      status: 'refused',
      reason: 'not_requester',
    });
    expect(await click(approval.id, REQUESTER, 'cancel')).toMatchObject({
      status: 'cancelled',
      approval: { state: 'cancelled' },
    });
    expect(await click(approval.id, ALICE)).toMatchObject({
      status: 'refused',
      message: 'This request was already cancelled by <@U0REQ>.',
    });
    expect(audit.events()).toEqual([
      'approval_refused_not_requester',
      'approval_cancelled',
      'approval_refused_decided',
    ]);
  });

  it('answers "unavailable" when the store is down, and decides nothing', async () => {
    const approval = await open();
    store.failWith = new Error('ECONNREFUSED');
    expect(await click(approval.id, ALICE)).toMatchObject({
      status: 'unavailable',
      message: expect.stringMatching(/nothing was decided or run/),
    });
    store.failWith = undefined;
    expect((await store.get(approval.id))?.state).toBe('pending');
  });

  it('keeps an approval whose enqueue failed and lets the sweep enqueue it later', async () => {
    const approval = await open();
    enqueue.failWith = new Error('queue down');
    const result = await click(approval.id, ALICE);
    expect(result).toMatchObject({
      status: 'approved',
      enqueued: false,
      message: expect.stringMatching(/queue is unavailable/),
    });
    expect(audit.events()).toEqual(['approved', 'approval_enqueue_failed']);
    enqueue.failWith = undefined;
    const sweepDeps = { store, audit, logger: aSilentLogger(), enqueue, requeueAfterMs: 30_000 };
    expect(await sweepExpiredApprovals(at(1.2), sweepDeps)).toEqual({ expired: [], requeued: [] });
    expect(await sweepExpiredApprovals(at(2), sweepDeps)).toEqual({ expired: [], requeued: [approval.id] });
    expect(enqueue.calls).toEqual([approval.request]);
    expect(await sweepExpiredApprovals(at(3), sweepDeps)).toEqual({ expired: [], requeued: [] });
    expect(audit.events().at(-1)).toBe('approval_requeued');
  });

  it('names users by bare id when no mention format is given', async () => {
    const approval = await open();
    const deps = { store, audit, logger: aSilentLogger(), enqueue };
    await decideApproval({ approvalId: approval.id, clicker: ALICE, decision: 'approve', now: at(1) }, deps);
    const late = await decideApproval(
      { approvalId: approval.id, clicker: BOB, decision: 'approve', now: at(1) },
      deps,
    );
    expect(late.message).toBe('This request was already approved by U0ALICE.');
  });
});
