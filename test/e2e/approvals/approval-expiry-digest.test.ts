/**
 * TEST-MATRIX rows 23 and 24 end to end: an approval is good only before its expiry (fake clock) and
 * only for the exact request digest the card showed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { digestRequest } from '../../../src/core/derive-ids.js';
import type { DebugRequest } from '../../../src/core/model.js';
import type { System } from '../start-system.js';
import {
  APPROVER1,
  APPROVER2,
  actionsBlockOf,
  aMutableClock,
  approvalHash,
  approvalState,
  auditEvent,
  auditRecords,
  cardOf,
  click,
  jobCount,
  jobIds,
  nthAnswerTo,
  POD,
  PROD_NS,
  patchCount,
  redis,
  requestDebug,
  requestIdOf,
  settle,
  startApprovalSystem,
  textOf,
  waitForThread,
} from './approval-harness.js';

const MINUTE = 60_000;

describe('a click after the approval expired (TEST-MATRIX 23)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('answers "expired, run /debug again", runs nothing, updates the card and audits expired', async () => {
    const clock = aMutableClock();
    system = await startApprovalSystem({ clock });
    const id = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo too-late`));
    const card = cardOf(system, id);
    expect(textOf(card.message)).toMatch(/\(in 15 min\)/);

    // 14 minutes later it is still open; nothing happens on its own.
    clock.current = new Date(clock.current.getTime() + 14 * MINUTE);
    expect(await approvalState(system, id)).toBe('pending');

    // 15 minutes and a second after it was requested: past the expiry.
    clock.current = new Date(clock.current.getTime() + MINUTE + 1000);
    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    const answer = await nthAnswerTo(system, APPROVER1);
    expect(answer).toMatch(/expired/);
    expect(answer).toMatch(/Run \/debug again/);
    expect(answer).not.toMatch(/Approved/);

    const expired = await auditEvent(system, id, 'expired');
    expect(expired).toMatchObject({
      actorUserId: APPROVER1,
      reason: 'on approve click',
      digest: card.digest,
    });
    expect(await approvalState(system, id)).toBe('expired');

    // The card now says expired, without buttons.
    expect(card.message.updates).toHaveLength(1);
    expect(textOf(card.current())).toMatch(/\*Expired\*/);
    expect(textOf(card.current())).toMatch(/Nothing was run/);
    expect(actionsBlockOf(card.current()?.blocks)).toBeUndefined();

    // A later click (another approver, a deny this time) is refused as expired too; still nothing runs.
    await click(system, system, { ...card.target, decision: 'deny', userId: APPROVER2 });
    expect(await nthAnswerTo(system, APPROVER2)).toMatch(/expired/);
    await auditEvent(system, id, 'approval_refused_expired', { actorUserId: APPROVER2 });

    await settle(300);
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);
    expect(system.kube.ephemeralContainers(PROD_NS, POD)).toHaveLength(0);
    // Any redraw (the late click redraws it as it is) still shows it expired, without buttons.
    for (const update of card.message.updates) {
      expect(textOf(update)).toMatch(/\*Expired\*/);
      expect(actionsBlockOf(update.blocks)).toBeUndefined();
    }
  });
});

describe('an approval binds to the exact digest the card showed (TEST-MATRIX 24)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  async function storedRequest(approvalId: string): Promise<DebugRequest> {
    return JSON.parse((await approvalHash(system, approvalId)).request!) as DebugRequest;
  }

  async function overwrite(approvalId: string, fields: Record<string, string>): Promise<void> {
    const client = redis();
    try {
      const key = `${system.prefix}:approval:${approvalId}`;
      // The record is where the design says it is.
      expect(await client.keys(`${system.prefix}:approval:*`)).toContain(key);
      await client.hset(key, fields);
    } finally {
      client.disconnect();
    }
  }

  it('refuses an Approve when the stored request was changed after the card was shown', async () => {
    system = await startApprovalSystem();
    const id = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo harmless`));
    const card = cardOf(system, id);

    // Someone with Redis access swaps the command under the card.
    const changed = { ...(await storedRequest(id)), commands: [['sh', '-c', 'echo pwned']] };
    await overwrite(id, { request: JSON.stringify(changed) });

    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    expect(await nthAnswerTo(system, APPROVER1)).toMatch(/changed after its approval card was shown/);
    await auditEvent(system, id, 'approval_refused_digest', { actorUserId: APPROVER1 });

    await settle(300);
    expect(await approvalState(system, id)).toBe('pending');
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);
    expect(card.message.updates).toHaveLength(0);
  });

  it('refuses an Approve when request and digest were both rewritten (the card showed the old digest)', async () => {
    system = await startApprovalSystem();
    const id = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo harmless`));
    const card = cardOf(system, id);

    const changed = { ...(await storedRequest(id)), commands: [['sh', '-c', 'echo pwned']] };
    await overwrite(id, { request: JSON.stringify(changed), digest: digestRequest(changed) });

    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    expect(await nthAnswerTo(system, APPROVER1)).toMatch(/changed after its approval card was shown/);
    await auditEvent(system, id, 'approval_refused_digest');

    await settle(300);
    expect(await approvalState(system, id)).toBe('pending');
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);
  });

  it('refuses a click whose block id carries another digest; the card’s own digest still approves what it showed', async () => {
    system = await startApprovalSystem();
    const id = requestIdOf(await requestDebug(system, `${POD} -n ${PROD_NS} -- echo shown-on-card`));
    const card = cardOf(system, id);
    const other = digestRequest({ ...(await storedRequest(id)), commands: [['echo', 'something-else']] });
    expect(other).not.toBe(card.digest);

    await click(system, system, {
      ...card.target,
      decision: 'approve',
      userId: APPROVER1,
      blockId: `debug_approval:${other}`,
    });
    expect(await nthAnswerTo(system, APPROVER1)).toMatch(/changed after its approval card was shown/);
    const refused = await auditEvent(system, id, 'approval_refused_digest', { actorUserId: APPROVER1 });
    expect(refused.digest).toBe(card.digest);
    await settle(200);
    expect(await approvalState(system, id)).toBe('pending');
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);

    // With the digest the card really showed, the approval goes through and runs exactly that argv.
    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    expect(await nthAnswerTo(system, APPROVER1, 2)).toMatch(/Approved/);
    await waitForThread(system, (all) => /shown-on-card/.test(all) && /Done/.test(all));
    expect(await jobIds(system)).toEqual([id]);
    expect(system.kube.ephemeralContainers(PROD_NS, POD)[0]?.command).toEqual(['echo', 'shown-on-card']);
    const events = (await auditRecords(system, id)).map((r) => r.event);
    expect(events.indexOf('approval_refused_digest')).toBeLessThan(events.indexOf('approved'));
  });
});
