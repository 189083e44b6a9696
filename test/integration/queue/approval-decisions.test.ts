import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Approval, UserRef } from '../../../src/core/approval-model.js';
import { decideApproval } from '../../../src/core/decide-approval.js';
import { sweepExpiredApprovals } from '../../../src/core/expire-approvals.js';
import type { DebugRequest } from '../../../src/core/model.js';
import { requestApproval } from '../../../src/core/request-approval.js';
import { createProducerConnection, waitForRedis } from '../../../src/queue/create-redis-connection.js';
import { RedisApprovalStore } from '../../../src/queue/redis-approval-store.js';
import { aDebugRequest, aSilentLogger } from '../../helpers/builders.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';
import {
  FakeClock,
  FakeDirectory,
  MemoryApprovalAudit,
  recordingEnqueue,
} from '../../unit/core/approval-fakes.js';

const ALICE: UserRef = { userId: 'U0ALICE', teamId: 'T0TEAM' };
const classification = {
  reasons: ['namespace shop matches "shop"'],
  approvers: { users: ['U0ALICE'], groups: ['S0SRE'] },
  approvalsRequired: 1,
  expiresInMs: 15 * 60_000,
};

describe('approval decisions on the real Redis (TEST-MATRIX 18–20, 23, 24, 37)', () => {
  let prefix: string;
  let connection: Redis;
  let store: RedisApprovalStore;
  let clock: FakeClock;
  let audit: MemoryApprovalAudit;
  let enqueue: ReturnType<typeof recordingEnqueue>;
  let n = 0;

  beforeEach(async () => {
    prefix = uniquePrefix();
    connection = createProducerConnection(REDIS_URL);
    expect(await waitForRedis(connection)).toBe(true);
    store = new RedisApprovalStore({ connection, prefix });
    clock = new FakeClock();
    audit = new MemoryApprovalAudit();
    enqueue = recordingEnqueue();
  });
  afterEach(async () => {
    await deletePrefix(prefix);
    connection.disconnect();
  });

  async function pending(request: DebugRequest = aDebugRequest({ id: `rdec${++n}` })): Promise<Approval> {
    const result = await requestApproval(
      request,
      { classification, cluster: 'prod-eu' },
      {
        store,
        dedupe: store,
        directory: new FakeDirectory({ S0SRE: ['U0BOB', 'U0REQ'] }),
        audit,
        clock,
        logger: aSilentLogger(),
      },
    );
    if (result.status !== 'pending') throw new Error(`expected pending, got ${result.status}`);
    return result.approval;
  }

  function click(approvalId: string, clicker: UserRef, decision: 'approve' | 'deny' = 'approve') {
    return decideApproval(
      { approvalId, clicker, decision, now: clock.now() },
      { store, audit, logger: aSilentLogger(), enqueue, mention: (u) => `<@${u.userId}>` },
    );
  }

  it('stores the card data and enqueues nothing until approved', async () => {
    const approval = await pending();
    expect(approval).toMatchObject({ state: 'pending', cluster: 'prod-eu', approvalsRequired: 1 });
    expect(await store.get(approval.id)).toEqual(approval);
    expect(enqueue.calls).toEqual([]);
    expect(await click(approval.id, ALICE)).toMatchObject({ status: 'approved', enqueued: true });
    expect(enqueue.calls).toEqual([approval.request]);
  });

  it('refuses self-approval and keeps the request pending, with an audit record', async () => {
    const approval = await pending();
    const result = await click(approval.id, { userId: 'U0REQ', teamId: 'T0TEAM' });
    expect(result).toMatchObject({
      status: 'refused',
      reason: 'self',
      message: "You can't approve your own request.",
    });
    expect((await store.get(approval.id))?.state).toBe('pending');
    expect(audit.records.at(-1)).toMatchObject({
      event: 'approval_refused_self',
      actorUserId: 'U0REQ',
      actorTeamId: 'T0TEAM',
    });
  });

  it("refuses a look-alike and an approver's id from another team (Slack Connect), auditing the clicker's ids", async () => {
    const approval = await pending();
    expect(await click(approval.id, { userId: 'U0EVE', teamId: 'T0TEAM' })).toMatchObject({
      status: 'refused',
      reason: 'not_approver',
    });
    expect(await click(approval.id, { userId: 'U0ALICE', teamId: 'T0EVILORG' })).toMatchObject({
      status: 'refused',
      reason: 'not_approver',
    });
    expect(audit.records.filter((r) => r.event === 'approval_refused_not_approver')).toEqual([
      expect.objectContaining({ actorUserId: 'U0EVE', actorTeamId: 'T0TEAM' }),
      expect.objectContaining({ actorUserId: 'U0ALICE', actorTeamId: 'T0EVILORG' }),
    ]);
    expect((await store.get(approval.id))?.state).toBe('pending');
    expect(enqueue.calls).toEqual([]);
  });

  it('answers "expired" after the fake clock passes the expiry, audits once, and runs nothing', async () => {
    const approval = await pending();
    clock.advance(15 * 60_000);
    expect(await click(approval.id, ALICE)).toMatchObject({
      status: 'expired',
      changed: true,
      message: expect.stringMatching(/expired/),
    });
    expect(await click(approval.id, { userId: 'U0BOB', teamId: 'T0TEAM' })).toMatchObject({
      status: 'expired',
      changed: false,
    });
    expect(audit.events().filter((e) => e === 'expired')).toHaveLength(1);
    expect(audit.events()).toContain('approval_refused_expired');
    expect(enqueue.calls).toEqual([]);
  });

  it('refuses when the stored request no longer matches its digest', async () => {
    const approval = await pending();
    const tampered = { ...approval.request, commands: [['sh', '-c', 'cat /var/run/secrets/*']] };
    await connection.hset(`${prefix}:approval:${approval.id}`, 'request', JSON.stringify(tampered));
    expect(await click(approval.id, ALICE)).toMatchObject({ status: 'refused', reason: 'digest_mismatch' });
    expect(audit.events()).toContain('approval_refused_digest');
    expect(enqueue.calls).toEqual([]);
  });

  it('refuses when the card showed another digest than the one stored', async () => {
    const approval = await pending();
    const result = await decideApproval(
      {
        approvalId: approval.id,
        clicker: ALICE,
        decision: 'approve',
        now: clock.now(),
        shownDigest: '0'.repeat(64),
      },
      { store, audit, logger: aSilentLogger(), enqueue },
    );
    expect(result).toMatchObject({ status: 'refused', reason: 'digest_mismatch' });
    expect(enqueue.calls).toEqual([]);
  });

  it('fails closed after Redis data loss: "request not found or expired", nothing runs (row 37)', async () => {
    const approval = await pending();
    await deletePrefix(prefix); // what a restart without AOF leaves behind
    const result = await click(approval.id, ALICE);
    expect(result).toEqual({
      status: 'not_found',
      message: expect.stringMatching(/not found or has expired; nothing was run/),
    });
    expect(enqueue.calls).toEqual([]);
    expect(audit.records.at(-1)).toMatchObject({
      event: 'approval_refused_not_found',
      actorUserId: 'U0ALICE',
    });
  });

  it('maps the same command re-typed within the window to the first approval', async () => {
    const first = await pending(aDebugRequest({ id: 'rtyped1' }));
    const again = await requestApproval(
      aDebugRequest({ id: 'rtyped2' }),
      { classification },
      {
        store,
        dedupe: store,
        directory: new FakeDirectory({ S0SRE: [] }),
        audit,
        clock,
        logger: aSilentLogger(),
      },
    );
    expect(again).toMatchObject({ status: 'duplicate', approval: { id: first.id } });
    expect(await store.get('rtyped2')).toBeUndefined();
  });

  it('lets two replicas sweep at once and reports each expired card exactly once', async () => {
    const approvals = await Promise.all(
      ['web-1', 'web-2', 'web-3'].map((name, i) =>
        pending(aDebugRequest({ id: `rsweep${i}`, target: { namespace: 'shop', kind: 'pod', name } })),
      ),
    );
    const otherConnection = createProducerConnection(REDIS_URL);
    await waitForRedis(otherConnection);
    const other = new RedisApprovalStore({ connection: otherConnection, prefix });
    clock.advance(16 * 60_000);
    const updated: string[] = [];
    const deps = (s: RedisApprovalStore) => ({
      store: s,
      audit,
      logger: aSilentLogger(),
      enqueue,
      onExpired: async (a: Approval) => void updated.push(a.id),
    });
    await Promise.all([
      sweepExpiredApprovals(clock.now(), deps(store)),
      sweepExpiredApprovals(clock.now(), deps(other)),
    ]);
    expect(updated.sort()).toEqual(approvals.map((a) => a.id).sort());
    expect(audit.events().filter((e) => e === 'expired')).toHaveLength(3);
    expect(await store.findExpired(clock.now(), 10)).toEqual([]);
    otherConnection.disconnect();
  });
});
