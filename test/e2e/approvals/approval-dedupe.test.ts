/**
 * TEST-MATRIX row 5 for production requests: a replayed signed command, or the same command re-typed by
 * the same user within 60 s, maps to the one pending request — one approval, one card.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewApproval } from '../../../src/core/approval-model.js';
import { digestRequest } from '../../../src/core/derive-ids.js';
import type { DebugRequest } from '../../../src/core/model.js';
import { requestApproval } from '../../../src/core/request-approval.js';
import { RedisApprovalStore } from '../../../src/queue/redis-approval-store.js';
import { aSilentLogger } from '../../helpers/builders.js';
import { REDIS_URL } from '../../helpers/redis.js';
import { postSigned, slashCommandBody } from '../../helpers/sign-slack-request.js';
import { eventually, SIGNING_SECRET, type System } from '../start-system.js';
import {
  APPROVER1,
  APPROVER2,
  ackOf,
  auditRecords,
  CHANNEL,
  cardMessages,
  cardOf,
  click,
  jobCount,
  newTriggerId,
  nthAnswerTo,
  POD,
  PROD_NS,
  patchCount,
  REQUESTER,
  redis,
  requestDebug,
  requestIdOf,
  settle,
  startApprovalSystem,
  TEAM,
} from './approval-harness.js';

const COMMAND = `${POD} -n ${PROD_NS} -- echo once`;

describe('the same production command twice maps to one request (TEST-MATRIX 5)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  /** The exact signed bytes of one slash command, ready to be POSTed more than once. */
  function signedCommand(text: string) {
    return {
      secret: SIGNING_SECRET,
      body: slashCommandBody({
        text,
        team_id: TEAM,
        user_id: REQUESTER,
        trigger_id: newTriggerId(),
        response_url: system.slack.responseUrl('cmd'),
      }),
      timestamp: Math.floor(Date.now() / 1000),
    };
  }

  it('answers a replayed signed command with the same request and posts one card', async () => {
    system = await startApprovalSystem({ role: 'bot' });
    const signed = signedCommand(COMMAND);
    const first = await postSigned(system.url('/slack/events'), signed);
    const replay = await postSigned(system.url('/slack/events'), signed);
    expect([first.status, replay.status]).toEqual([200, 200]);
    const id = requestIdOf(first);
    expect(requestIdOf(replay)).toBe(id);
    expect(ackOf(replay).text).toMatch(/needs approval/);

    // Two more copies at once.
    const burst = await Promise.all([
      postSigned(system.url('/slack/events'), signed),
      postSigned(system.url('/slack/events'), signed),
    ]);
    expect(burst.map(requestIdOf)).toEqual([id, id]);

    await settle(200);
    expect(cardMessages(system)).toHaveLength(1);
    expect(system.slack.callsTo('chat.postMessage')).toHaveLength(1);
    const events = (await auditRecords(system, id)).map((r) => r.event);
    expect(events.filter((e) => e === 'approval_requested')).toHaveLength(1);
    expect(events.filter((e) => e === 'approval_duplicate')).toHaveLength(3);
    expect(await jobCount(system)).toBe(0);
  });

  it('maps the same command re-typed within 60 s (new trigger_id) to the pending request: no second card', async () => {
    system = await startApprovalSystem();
    const first = await requestDebug(system, COMMAND);
    const id = requestIdOf(first);
    const again = await requestDebug(system, COMMAND);
    const thrice = await requestDebug(system, COMMAND);
    expect(requestIdOf(again)).toBe(id);
    expect(requestIdOf(thrice)).toBe(id);
    expect(ackOf(again).text).toMatch(/needs approval/);

    await settle(200);
    expect(cardMessages(system)).toHaveLength(1);
    const records = await auditRecords(system);
    expect(records.filter((r) => r.event === 'approval_requested').map((r) => r.requestId)).toEqual([id]);
    // Each re-type is audited under its own (never used) request id, pointing at the pending one.
    const duplicates = records.filter((r) => r.event === 'approval_duplicate');
    expect(duplicates.map((r) => r.reason)).toEqual([`same command as ${id}`, `same command as ${id}`]);
    expect(duplicates.every((r) => r.userId === REQUESTER && r.requestId !== id)).toBe(true);

    // Approving the one card runs it once.
    const card = cardOf(system, id);
    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    await nthAnswerTo(system, APPROVER1);
    await eventually(() => patchCount(system) === 1);
    await settle(200);
    expect(await jobCount(system)).toBe(1);
    expect(system.kube.ephemeralContainers(PROD_NS, POD)).toHaveLength(1);
  });

  it('still opens a new request for a different command, or the same command from another user', async () => {
    system = await startApprovalSystem({ role: 'bot' });
    const a = requestIdOf(await requestDebug(system, COMMAND));
    const b = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo twice`));
    const c = requestIdOf(await requestDebug(system, COMMAND, { user_id: 'U0OTHERDEV', user_name: 'dave' }));
    expect(new Set([a, b, c]).size).toBe(3);
    expect(cardMessages(system)).toHaveLength(3);
  });

  /*
   * Regression: a re-typed command whose claim is held by another replica that has not stored its approval
   * yet waits for that record instead of opening a second approval. "Replica A" is the product's own
   * requestApproval with a store whose `create` is slow, so the window is deterministic.
   */
  it('maps a re-type on another replica to the first request even while that one is still being stored', async () => {
    system = await startApprovalSystem({ role: 'bot' });
    const connection = new Redis(REDIS_URL);
    const store = new RedisApprovalStore({ connection, prefix: system.prefix });
    const slowStore: typeof store = Object.create(store);
    slowStore.create = async (approval: NewApproval, approvers) => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return store.create(approval, approvers);
    };
    const requestA: DebugRequest = {
      id: 'rslowreplica',
      requester: { userId: REQUESTER, teamId: TEAM, userName: 'alice' },
      channelId: CHANNEL,
      target: { namespace: PROD_NS, kind: 'pod', name: POD },
      image: 'busybox:1.36',
      commands: [['echo', 'slow-replica']],
      createdAt: new Date().toISOString(),
    };
    try {
      const replicaA = requestApproval(
        requestA,
        {
          classification: {
            reasons: [`namespace ${PROD_NS} matches "${PROD_NS}"`],
            approvers: { users: [APPROVER1, APPROVER2], groups: [] },
            approvalsRequired: 1,
            expiresInMs: 15 * 60_000,
          },
        },
        {
          store: slowStore,
          dedupe: store,
          directory: { membersOf: async () => [] },
          audit: { record: async () => undefined },
          clock: { now: () => new Date() },
          logger: aSilentLogger(),
        },
      );
      // Replica A holds the claim and is storing its record.
      await eventually(async () => {
        const client = redis();
        try {
          return (await client.keys(`${system.prefix}:approvals:dedupe:*`)).length === 1;
        } finally {
          client.disconnect();
        }
      });

      const ack = await requestDebug(system, `${POD} -n ${PROD_NS} -- echo slow-replica`);
      expect(await replicaA).toMatchObject({ status: 'pending' });
      // Precondition: the bot built the very same request (same digest), so it is a re-type.
      const audit = await auditRecords(system);
      expect(audit.map((r) => r.digest)).toContain(digestRequest(requestA));

      expect(requestIdOf(ack)).toBe(requestA.id);
      expect(cardMessages(system)).toHaveLength(0);
    } finally {
      connection.disconnect();
    }
  });

  /*
   * Only a pending request absorbs a re-typed command: after a Deny (or an approval that already ran, or
   * expiry) the same command opens a new request with its own card.
   */
  it('does not tell the requester a denied request "needs approval" when they re-type it', async () => {
    system = await startApprovalSystem({ role: 'bot' });
    const id = requestIdOf(await requestDebug(system, COMMAND));
    const card = cardOf(system, id);
    await click(system, system, { ...card.target, decision: 'deny', userId: APPROVER1 });
    expect(await nthAnswerTo(system, APPROVER1)).toMatch(/Denied/);

    const again = await requestDebug(system, COMMAND);
    const text = ackOf(again).text;
    const newCard = cardMessages(system).length === 2;
    // Either a fresh request with its own card, or the truth about the earlier one.
    expect(newCard || /denied/i.test(text), `reply to the re-type: ${text}`).toBe(true);
    expect(newCard || !/nothing runs until it is approved/.test(text), `reply: ${text}`).toBe(true);
  });
});
