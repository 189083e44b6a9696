/**
 * TEST-MATRIX rows 21 and 22 end to end: concurrent clicks on two bot replicas (two Bolt HTTP receivers
 * on the same Redis prefix) make exactly one transition; only the click that completes the approval
 * enqueues, and the losers are told what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { System } from '../start-system.js';
import {
  APPROVER1,
  APPROVER2,
  actionsBlockOf,
  answersTo,
  approvalState,
  auditEvent,
  auditRecords,
  cardOf,
  click,
  type Endpoint,
  jobCount,
  jobIds,
  nthAnswerTo,
  POD,
  PROD_NS,
  patchCount,
  requestDebug,
  requestIdOf,
  type SecondInstance,
  settle,
  startApprovalSystem,
  startSecondInstance,
  textOf,
  waitForThread,
} from './approval-harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a double-clicked Approve on two replicas (TEST-MATRIX 21)', () => {
  let system: System;
  let second: SecondInstance | undefined;
  afterEach(async () => {
    await second?.stop();
    second = undefined;
    await system?.stop();
  });

  it('makes one transition and one job; the second click is told it was already approved by the approver', async () => {
    system = await startApprovalSystem();
    second = await startSecondInstance(system);
    const id = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo double-click`));
    const card = cardOf(system, id);
    const approve = { ...card.target, decision: 'approve', userId: APPROVER1 } as const;

    const first = click(system, system, approve);
    await sleep(20);
    const again = click(system, second, approve);
    expect((await Promise.all([first, again])).map((r) => r.status)).toEqual([200, 200]);

    await nthAnswerTo(system, APPROVER1, 2);
    const answers = answersTo(system, APPROVER1);
    expect(answers.filter((a) => /Approved\. The debug job is queued\./.test(a))).toHaveLength(1);
    expect(answers.filter((a) => /already approved by <@U0APPROVER1>/.test(a))).toHaveLength(1);

    await waitForThread(system, (all) => /double-click/.test(all) && /Done/.test(all));
    await settle(200);
    expect(await jobIds(system)).toEqual([id]);
    expect(patchCount(system)).toBe(1);
    expect(system.kube.ephemeralContainers(PROD_NS, POD)).toHaveLength(1);
    // One transition: one card update, and an audit record for each click.
    expect(card.message.updates).toHaveLength(1);
    const events = (await auditRecords(system, id)).map((r) => r.event);
    expect(events.filter((e) => e === 'approved')).toHaveLength(1);
    expect(events.filter((e) => e === 'approval_refused_decided')).toHaveLength(1);
    expect(await auditEvent(system, id, 'approval_refused_decided')).toMatchObject({
      actorUserId: APPROVER1,
      reason: 'already approved',
    });
  });

  it('with two approvals required, two approvers clicking at once on two replicas complete it once', async () => {
    system = await startApprovalSystem({
      tweak: (config) => {
        config.policy.approvals.required = 2;
      },
    });
    second = await startSecondInstance(system);
    const id = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo two-approvers`));
    const card = cardOf(system, id);
    const base = { ...card.target, decision: 'approve' } as const;

    await Promise.all([
      click(system, system, { ...base, userId: APPROVER1 }),
      click(system, second, { ...base, userId: APPROVER2 }),
    ]);
    const answers = [await nthAnswerTo(system, APPROVER1), await nthAnswerTo(system, APPROVER2)];
    expect(answers.filter((a) => /Approved\. The debug job is queued\./.test(a))).toHaveLength(1);
    expect(answers.filter((a) => /Your approval is recorded; 1 more needed/.test(a))).toHaveLength(1);

    const thread = await waitForThread(system, (all) => /two-approvers/.test(all) && /Done/.test(all));
    expect(thread.all).toMatch(/\*Approved by\*\\n<@U0APPROVER\d>, <@U0APPROVER\d>/);
    expect(await jobIds(system)).toEqual([id]);
    expect(patchCount(system)).toBe(1);
    expect(textOf(card.current())).toMatch(/Approvals so far\*: 2 of 2/);
  });
});

describe('Approve and Deny racing on two replicas, 100 requests (TEST-MATRIX 22)', () => {
  let system: System;
  let second: SecondInstance | undefined;
  afterEach(async () => {
    await second?.stop();
    second = undefined;
    await system?.stop();
  });

  it('ends each request in exactly one terminal state; the loser is told; never both a job and "denied"', async () => {
    const started = Date.now();
    // Front ends only: no worker consumes the jobs, so BullMQ's job count is the number of approvals that ran.
    system = await startApprovalSystem({ role: 'bot' });
    second = await startSecondInstance(system);
    const instances: Endpoint[] = [system, second];
    const ITERATIONS = 100;
    const outcomes: Array<{ id: string; cardTs: string; approve: string; deny: string }> = [];

    for (let i = 0; i < ITERATIONS; i++) {
      // Distinct argv per iteration, so the re-typed-command dedupe never folds two iterations together.
      const ack = await requestDebug(system, `${POD} -n ${PROD_NS} -- echo race-${i}`);
      const id = requestIdOf(ack);
      const card = cardOf(system, id);
      const base = card.target;
      // Vary which replica gets which click and which is sent first.
      const approveAt = instances[i % 2]!;
      const denyAt = instances[(i + Math.floor(i / 2)) % 2]!;
      const approve = () => click(system, approveAt, { ...base, decision: 'approve', userId: APPROVER1 });
      const deny = () => click(system, denyAt, { ...base, decision: 'deny', userId: APPROVER2 });
      const results = await Promise.all(i % 3 === 0 ? [deny(), approve()] : [approve(), deny()]);
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      outcomes.push({
        id,
        cardTs: card.ts,
        approve: await nthAnswerTo(system, APPROVER1, i + 1),
        deny: await nthAnswerTo(system, APPROVER2, i + 1),
      });
    }

    await settle(200);
    const jobs = new Set(await jobIds(system));
    const audit = await auditRecords(system);
    let approved = 0;
    let denied = 0;
    for (const o of outcomes) {
      const state = await approvalState(system, o.id);
      const events = audit.filter((r) => r.requestId === o.id).map((r) => r.event);
      const cardUpdates = system.slack.messages.find((m) => m.ts === o.cardTs)?.updates ?? [];
      expect(cardUpdates, `one card update for ${o.id}`).toHaveLength(1);
      const finalCard = textOf(cardUpdates[0]);
      expect(actionsBlockOf(cardUpdates[0]?.blocks)).toBeUndefined();
      if (state === 'approved') {
        approved++;
        expect(jobs.has(o.id)).toBe(true);
        expect(o.approve).toMatch(/Approved\. The debug job is queued\./);
        expect(o.deny).toMatch(/already approved by <@U0APPROVER1>/);
        expect(o.deny).not.toMatch(/^Denied/);
        expect(events.filter((e) => e === 'approved')).toHaveLength(1);
        expect(events).not.toContain('approval_denied');
        expect(finalCard).toMatch(/\*Approved\* by <@U0APPROVER1>/);
      } else {
        expect(state, `terminal state of ${o.id}`).toBe('denied');
        denied++;
        expect(jobs.has(o.id)).toBe(false);
        expect(o.deny).toMatch(/Denied\. Nothing will run for this request\./);
        expect(o.approve).toMatch(/already denied by <@U0APPROVER2>/);
        expect(o.approve).not.toMatch(/job is queued/);
        expect(events.filter((e) => e === 'approval_denied')).toHaveLength(1);
        expect(events).not.toContain('approved');
        expect(finalCard).toMatch(/\*Denied\* by <@U0APPROVER2>/);
      }
      expect(events.filter((e) => e === 'approval_refused_decided')).toHaveLength(1);
    }
    expect(approved + denied).toBe(ITERATIONS);
    expect(await jobCount(system)).toBe(approved);
    expect(jobs.size).toBe(approved);
    expect(system.kube.count({ method: 'PATCH' })).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
