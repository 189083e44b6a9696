/**
 * TEST-MATRIX rows 18–20 end to end: a production request becomes an approval card and nothing runs
 * until an authorised approver (never the requester, never a look-alike) approves it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { System } from '../start-system.js';
import {
  APPROVER1,
  APPROVER2,
  ackOf,
  actionsBlockOf,
  answersTo,
  approvalState,
  auditEvent,
  auditRecords,
  CHANNEL,
  cardMessages,
  cardOf,
  click,
  jobCount,
  jobIds,
  nthAnswerTo,
  OTHER_TEAM,
  POD,
  PROD_NS,
  patchCount,
  REQUESTER,
  requestDebug,
  requestIdOf,
  STRANGER,
  settle,
  startApprovalSystem,
  TEAM,
  textOf,
  waitForThread,
} from './approval-harness.js';

const COMMAND = `${POD} -n ${PROD_NS} --image busybox:1.36 -- echo hello-from-prod`;

describe('a production request waits for an approval card (TEST-MATRIX 18)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('masks a secret typed into the command on the card, and still runs exactly the typed argv once approved', async () => {
    system = await startApprovalSystem();
    const secret = 'password=hunter2-very-secret';
    const id = requestIdOf(
      await requestDebug(system, `${POD} -n ${PROD_NS} --image busybox:1.36 -- echo ${secret}`),
    );
    const card = cardOf(system, id);
    expect(textOf(card.message)).not.toContain('hunter2-very-secret');
    expect(textOf(card.message)).toContain('[REDACTED');
    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    await waitForThread(system, (all) => /Done/.test(all));
    expect(system.kube.ephemeralContainers(PROD_NS, POD)[0]).toMatchObject({ command: ['echo', secret] });
    expect(system.slack.everythingSent()).not.toContain('hunter2-very-secret');
  });

  it('posts a card naming pod, namespace, image, argv, requester and expiry; runs only after approval, naming the approver', async () => {
    system = await startApprovalSystem();

    const ack = await requestDebug(system, COMMAND);
    expect(ack.status).toBe(200);
    expect(ackOf(ack)).toMatchObject({ response_type: 'ephemeral' });
    expect(ackOf(ack).text).toMatch(/needs approval; nothing runs until it is approved/);
    const id = requestIdOf(ack);

    // The card: in the channel, with the three buttons carrying the approval id and the digest block id.
    const card = cardOf(system, id);
    expect(card.message.channel).toBe(CHANNEL);
    const shown = textOf(card.message);
    expect(shown).toContain(`\`${PROD_NS}/${POD}\``);
    expect(shown).toContain('`busybox:1.36`');
    expect(shown).toContain('$ echo hello-from-prod');
    expect(shown).toContain(`<@${REQUESTER}>`);
    expect(shown).toMatch(/Expires <!date\^\d+\^[^>]*> \(in 15 min\)/);
    expect(shown).toContain(`<@${APPROVER1}>, <@${APPROVER2}>`);
    expect(card.blockId).toMatch(/^debug_approval:[0-9a-f]{64}$/);
    expect(card.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['debug_approval_approve', id],
      ['debug_approval_deny', id],
      ['debug_approval_cancel', id],
    ]);
    expect((await auditRecords(system, id)).map((r) => r.event)).toEqual(['approval_requested']);
    expect((await auditRecords(system, id))[0]).toMatchObject({ digest: card.digest, userId: REQUESTER });

    // Nothing runs while it waits: no job, no PATCH, no worker thread.
    await settle(300);
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);
    expect(system.kube.ephemeralContainers(PROD_NS, POD)).toHaveLength(0);
    expect(await approvalState(system, id)).toBe('pending');

    const res = await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    expect(res.status).toBe(200);
    expect(await nthAnswerTo(system, APPROVER1)).toMatch(/Approved\. The debug job is queued\./);

    const thread = await waitForThread(system, (all) => /hello-from-prod/.test(all) && /Done/.test(all));
    // The transcript header names the approver.
    expect(thread.all).toMatch(/\*Approved by\*\\n<@U0APPROVER1>/);
    expect(await jobIds(system)).toEqual([id]);
    expect(patchCount(system)).toBe(1);
    const containers = system.kube.ephemeralContainers(PROD_NS, POD);
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({ image: 'busybox:1.36', command: ['echo', 'hello-from-prod'] });

    // The card was updated in place (same ts): approved by the approver, buttons gone.
    const final = card.current();
    expect(card.message.updates.length).toBeGreaterThanOrEqual(1);
    expect(textOf(final)).toMatch(/\*Approved\* by <@U0APPROVER1>/);
    expect(actionsBlockOf(final?.blocks)).toBeUndefined();
    expect(cardMessages(system)).toHaveLength(1);

    const approved = await auditEvent(system, id, 'approved');
    expect(approved).toMatchObject({ actorUserId: APPROVER1, actorTeamId: TEAM, digest: card.digest });
    await auditEvent(system, id, 'finished');
  });
});

describe('nobody approves their own request (TEST-MATRIX 19)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('refuses the requester’s Approve, keeps the request pending and audits approval_refused_self', async () => {
    system = await startApprovalSystem({
      // The requester is also a configured approver: being on the list must not let them approve their own.
      tweak: (config) => {
        config.policy.approvals.approvers.users.push(REQUESTER);
      },
    });
    const id = requestIdOf(await requestDebug(system, COMMAND));
    const card = cardOf(system, id);

    await click(system, system, { ...card.target, decision: 'approve', userId: REQUESTER });
    expect(await nthAnswerTo(system, REQUESTER)).toMatch(/can't approve your own request/);

    const refused = await auditEvent(system, id, 'approval_refused_self');
    expect(refused).toMatchObject({ actorUserId: REQUESTER, actorTeamId: TEAM, userId: REQUESTER });
    await settle(200);
    expect(await approvalState(system, id)).toBe('pending');
    expect(card.message.updates).toHaveLength(0);
    expect(actionsBlockOf(card.current()?.blocks)).toBeDefined();
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);

    // A real approver can still approve afterwards.
    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER2 });
    expect(await nthAnswerTo(system, APPROVER2)).toMatch(/Approved/);
    expect(await approvalState(system, id)).toBe('approved');
  });
});

describe('only configured approvers, matched on user and team id, may decide (TEST-MATRIX 20)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('refuses a non-approver (even one showing an approver’s name) and an approver id from another team', async () => {
    system = await startApprovalSystem({ role: 'bot' });
    const id = requestIdOf(await requestDebug(system, COMMAND));
    const card = cardOf(system, id);
    const base = card.target;

    // 1. A workspace member who is not an approver, whose payload shows the approver's user name.
    await click(system, system, { ...base, decision: 'approve', userId: STRANGER, userName: 'bob' });
    expect(await nthAnswerTo(system, STRANGER, 1)).toMatch(/not one of the approvers/);
    // ...nor may they deny.
    await click(system, system, { ...base, decision: 'deny', userId: STRANGER, userName: 'bob' });
    expect(await nthAnswerTo(system, STRANGER, 2)).toMatch(/not one of the approvers/);

    // 2. An approver's user id, but from another organisation (Slack Connect: user.team_id differs).
    await click(system, system, {
      ...base,
      decision: 'approve',
      userId: APPROVER1,
      teamId: TEAM,
      userTeamId: OTHER_TEAM,
    });
    expect(await nthAnswerTo(system, APPROVER1, 1)).toMatch(/not one of the approvers/);

    // 3. The same id from another workspace altogether (team.id and user.team_id both differ).
    await click(system, system, { ...base, decision: 'deny', userId: APPROVER2, teamId: OTHER_TEAM });
    expect(await nthAnswerTo(system, APPROVER2, 1)).toMatch(/not one of the approvers/);

    const records = await auditRecords(system, id);
    const refusals = records.filter((r) => r.event === 'approval_refused_not_approver');
    expect(refusals.map((r) => [r.actorUserId, r.actorTeamId])).toEqual([
      [STRANGER, TEAM],
      [STRANGER, TEAM],
      [APPROVER1, OTHER_TEAM],
      [APPROVER2, OTHER_TEAM],
    ]);
    for (const r of refusals) expect(r).toMatchObject({ userId: REQUESTER, digest: card.digest });

    // State unchanged: pending, card untouched, nothing queued or created.
    expect(await approvalState(system, id)).toBe('pending');
    expect(card.message.updates).toHaveLength(0);
    expect(await jobCount(system)).toBe(0);
    expect(patchCount(system)).toBe(0);
    expect(answersTo(system, REQUESTER)).toHaveLength(0);

    // The genuine approver (right user and team) is still accepted.
    await click(system, system, { ...base, decision: 'approve', userId: APPROVER1 });
    expect(await nthAnswerTo(system, APPROVER1, 2)).toMatch(/Approved/);
    expect(await jobCount(system)).toBe(1);
  });
});
