import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UserRef } from '../../../src/core/approval-model.js';
import { type DecideApprovalResult, decideApproval } from '../../../src/core/decide-approval.js';
import type { DebugRequest } from '../../../src/core/model.js';
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.js';
import { createProducerConnection, waitForRedis } from '../../../src/queue/create-redis-connection.js';
import { RedisApprovalStore } from '../../../src/queue/redis-approval-store.js';
import { aSilentLogger } from '../../helpers/builders.js';
import { deletePrefix, inboxPayloads, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';
import { MemoryApprovalAudit } from '../../unit/core/approval-fakes.js';
import { ALICE, aNewApproval, at, BOB, CAROL } from '../../unit/core/approval-store-contract.js';

const ITERATIONS = 100;

/** One bot replica: its own Redis connection and store; enqueue goes to a shared recorder. */
interface Replica {
  connection: Redis;
  store: RedisApprovalStore;
}

describe('approval races across two replicas on the real Redis (TEST-MATRIX 21, 22)', () => {
  let prefix: string;
  let replicas: [Replica, Replica, Replica];
  let enqueued: string[];
  const audit = new MemoryApprovalAudit();

  beforeEach(async () => {
    prefix = uniquePrefix();
    enqueued = [];
    const make = async (): Promise<Replica> => {
      const connection = createProducerConnection(REDIS_URL);
      expect(await waitForRedis(connection)).toBe(true);
      return { connection, store: new RedisApprovalStore({ connection, prefix }) };
    };
    replicas = [await make(), await make(), await make()];
  });
  afterEach(async () => {
    await deletePrefix(prefix);
    for (const r of replicas) r.connection.disconnect();
  });

  function click(
    replica: Replica,
    approvalId: string,
    clicker: UserRef,
    decision: 'approve' | 'deny',
    now = at(1),
  ) {
    return decideApproval(
      { approvalId, clicker, decision, now },
      {
        store: replica.store,
        audit,
        logger: aSilentLogger(),
        enqueue: async (request: DebugRequest) => void enqueued.push(request.id),
        mention: (user) => `<@${user.userId}>`,
      },
    );
  }

  const terminal = (r: DecideApprovalResult) => r.status === 'approved' || r.status === 'denied';

  it(`approve vs deny from two approvers at once: exactly one terminal state, ${ITERATIONS} times`, async () => {
    const wins = { approved: 0, denied: 0 };
    for (let i = 0; i < ITERATIONS; i++) {
      const a = aNewApproval();
      await replicas[0].store.create(a, [ALICE, BOB]);
      const before = enqueued.length;
      const [approve, deny] = await Promise.all([
        click(replicas[0], a.id, ALICE, 'approve'),
        click(replicas[1], a.id, BOB, 'deny'),
      ]);
      expect([approve, deny].filter(terminal)).toHaveLength(1);
      const loser = terminal(approve) ? deny : approve;
      expect(loser).toMatchObject({ status: 'refused', reason: 'already_decided' });
      const stored = await replicas[2].store.get(a.id);
      if (approve.status === 'approved') {
        wins.approved++;
        expect(stored?.state).toBe('approved');
        expect(loser.message).toBe('This request was already approved by <@U0ALICE>.');
        expect(enqueued.slice(before)).toEqual([a.id]);
      } else {
        wins.denied++;
        expect(stored?.state).toBe('denied');
        expect(loser.message).toBe('This request was already denied by <@U0BOB>.');
        expect(enqueued.slice(before)).toEqual([]);
      }
    }
    expect(wins.approved + wins.denied).toBe(ITERATIONS);
  });

  it(`double approve from two approvers on two replicas: one transition, one enqueue, ${ITERATIONS} times`, async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      const a = aNewApproval();
      await replicas[0].store.create(a, [ALICE, BOB]);
      const results = await Promise.all([
        click(replicas[0], a.id, ALICE, 'approve'),
        click(replicas[1], a.id, BOB, 'approve'),
      ]);
      expect(results.filter((r) => r.status === 'approved')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'refused' && r.reason === 'already_decided')).toHaveLength(1);
      expect(enqueued.filter((id) => id === a.id)).toHaveLength(1);
    }
  });

  it('the same approver double-clicking on two replicas enqueues once', async () => {
    for (let i = 0; i < 20; i++) {
      const a = aNewApproval();
      await replicas[0].store.create(a, [ALICE]);
      const first = click(replicas[0], a.id, ALICE, 'approve');
      await new Promise((resolve) => setTimeout(resolve, i % 3));
      const results = await Promise.all([first, click(replicas[1], a.id, ALICE, 'approve')]);
      expect(results.map((r) => r.status).sort()).toEqual(['approved', 'refused']);
      expect(enqueued.filter((id) => id === a.id)).toHaveLength(1);
    }
  });

  it('with two approvals required, three concurrent approvers complete it exactly once', async () => {
    for (let i = 0; i < 30; i++) {
      const a = aNewApproval({ approvalsRequired: 2 });
      await replicas[0].store.create(a, [ALICE, BOB, CAROL]);
      const results = await Promise.all([
        click(replicas[0], a.id, ALICE, 'approve'),
        click(replicas[1], a.id, BOB, 'approve'),
        click(replicas[2], a.id, CAROL, 'approve'),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['approval_recorded', 'approved', 'refused']);
      expect(enqueued.filter((id) => id === a.id)).toHaveLength(1);
      expect((await replicas[0].store.get(a.id))?.approvals).toHaveLength(2);
    }
  });

  it('approval through the real queue: one inbox entry however many approvers click at once', async () => {
    const queue = new BullJobQueue({
      connection: replicas[0].connection,
      queueName: 'debug',
      prefix,
      attempts: 1,
      backoffMs: 0,
    });
    try {
      const a = aNewApproval();
      await replicas[0].store.create(a, [ALICE, BOB, CAROL]);
      const deps = (replica: Replica) => ({
        store: replica.store,
        audit,
        logger: aSilentLogger(),
        enqueue: (request: DebugRequest) => queue.enqueue(request),
      });
      const results = await Promise.all(
        [ALICE, BOB, CAROL].map((clicker, i) =>
          decideApproval(
            { approvalId: a.id, clicker, decision: 'approve', now: at(1) },
            deps(replicas[i as 0 | 1 | 2]),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'approved')).toEqual([
        expect.objectContaining({ enqueued: true }),
      ]);
      const inbox = (await inboxPayloads(prefix, 'debug')) as Array<{ request: unknown }>;
      expect(inbox.map((data) => data.request)).toEqual([a.request]);
      expect((await replicas[1].store.get(a.id))?.enqueuedAt).toBe(at(1).toISOString());
    } finally {
      await queue.close();
    }
  });
});
