/**
 * TEST-MATRIX rows 17, 25 and 26 end to end: fail-closed approval configuration, and per-user
 * authorization through a SubjectAccessReview at request time and again just before the worker runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { System } from '../start-system.js';
import {
  APPROVER1,
  ackOf,
  auditEvent,
  auditRecords,
  cardMessages,
  cardOf,
  click,
  jobCount,
  jobIds,
  nthAnswerTo,
  POD,
  PROD_NS,
  patchCount,
  REQUESTER,
  requestDebug,
  requestIdOf,
  settle,
  startApprovalSystem,
  subjectAccessReviewOn,
  waitForThread,
} from './approval-harness.js';

const COMMAND = `${POD} -n ${PROD_NS} -- echo guarded`;

/** Nothing was requested, queued, posted or created for the system. */
async function expectNothingRan(system: System): Promise<void> {
  await settle(300);
  expect(await jobCount(system)).toBe(0);
  expect(cardMessages(system)).toHaveLength(0);
  expect(system.slack.callsTo('chat.postMessage')).toHaveLength(0);
  expect(patchCount(system)).toBe(0);
  expect(system.kube.ephemeralContainers(PROD_NS, POD)).toHaveLength(0);
}

/** The one audit record of a refused command (its request id is derived, so find it by event). */
async function refusalAudit(system: System, event: string) {
  const records = (await auditRecords(system)).filter((r) => r.event === event);
  expect(records).toHaveLength(1);
  return records[0]!;
}

describe('production without approvers is refused: fail closed (TEST-MATRIX 25)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('refuses with "approval not configured" when the policy names no approvers', async () => {
    system = await startApprovalSystem({
      tweak: (config) => {
        config.policy.approvals.approvers = { users: [], groups: [] };
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ack.status).toBe(200);
    expect(ackOf(ack)).toMatchObject({ response_type: 'ephemeral' });
    expect(ackOf(ack).text).toMatch(/^Not started: approval not configured/);
    expect((await refusalAudit(system, 'approval_not_configured')).userId).toBe(REQUESTER);
    await expectNothingRan(system);
  });

  it('refuses when the governing access rule sets an empty approver list (even if the defaults name some)', async () => {
    system = await startApprovalSystem({
      tweak: (config) => {
        config.policy.access.rules = [
          {
            name: 'prod without approvers',
            users: ['*'],
            userGroups: [],
            channels: [],
            clusters: ['*'],
            namespaces: ['*'],
            approvers: { users: [], groups: [] },
          },
        ];
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ackOf(ack).text).toMatch(/approval not configured/);
    expect(ackOf(ack).text).toMatch(/prod without approvers/);
    await refusalAudit(system, 'approval_not_configured');
    await expectNothingRan(system);
  });

  it('refuses when the only approver is the requester', async () => {
    system = await startApprovalSystem({
      tweak: (config) => {
        config.policy.approvals.approvers = { users: [REQUESTER], groups: [] };
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ackOf(ack).text).toMatch(
      /approval not configured: this request needs 1 approval\(s\) but 0 approver/,
    );
    await refusalAudit(system, 'approval_not_configured');
    await expectNothingRan(system);
  });

  it('refuses when the approver group has no members other than the requester', async () => {
    system = await startApprovalSystem({
      usergroups: { S0SRE: [REQUESTER] },
      tweak: (config) => {
        config.policy.approvals.approvers = { users: [], groups: ['S0SRE'] };
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ackOf(ack).text).toMatch(
      /approval not configured: this request needs 1 approval\(s\) but 0 approver/,
    );
    await refusalAudit(system, 'approval_not_configured');
    await expectNothingRan(system);
  });

  it('refuses (and asks to retry) when the approver group cannot be looked up', async () => {
    system = await startApprovalSystem({
      tweak: (config) => {
        config.policy.approvals.approvers = { users: [], groups: ['S0UNKNOWN'] };
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ackOf(ack).text).toMatch(/^Not started: The approvers for this request could not be looked up/);
    await refusalAudit(system, 'approval_unavailable');
    await expectNothingRan(system);
  });

  it('does not start at all without a policy section, or with an unreadable config file', () => {
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 'secret', CONFIG_FILE: 'bot.yaml' };
    expect(() => loadConfig({ env, readFile: () => 'defaults:\n  namespace: shop\n' })).toThrow(
      /policy section is missing/,
    );
    expect(() => loadConfig({ env: { ...env, CONFIG_FILE: '/nonexistent/bot.yaml' } })).toThrow(
      /cannot read it/,
    );
  });
});

describe('SubjectAccessReview at request time (TEST-MATRIX 17)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('refuses a requester the cluster does not allow: "not allowed", no card, no job, audit denied_authz', async () => {
    const reviews: Array<Record<string, unknown>> = [];
    system = await startApprovalSystem({
      tweak: subjectAccessReviewOn,
      subjectAccessReview: (spec) => {
        reviews.push(spec);
        return { allowed: false, reason: 'no RBAC policy matched' };
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ackOf(ack)).toMatchObject({ response_type: 'ephemeral' });
    expect(ackOf(ack).text).toMatch(/you are not allowed to debug pods in namespace shop-prod/);
    expect(ackOf(ack).text).not.toMatch(/RBAC policy matched/);

    // The review asked about exactly this person and this pod's ephemeralcontainers.
    expect(reviews).toHaveLength(1);
    expect(reviews[0]).toMatchObject({
      user: 'alice@example.com',
      resourceAttributes: {
        namespace: PROD_NS,
        name: POD,
        verb: 'patch',
        resource: 'pods',
        subresource: 'ephemeralcontainers',
      },
    });
    const audit = await refusalAudit(system, 'denied_authz');
    expect(audit).toMatchObject({ userId: REQUESTER, namespace: PROD_NS, pod: POD });
    expect(audit.reason).toMatch(/^denied: no RBAC policy matched/);
    await expectNothingRan(system);
  });

  it('refuses a requester with no Kubernetes user mapped, without asking the cluster', async () => {
    let reviews = 0;
    system = await startApprovalSystem({
      tweak: (config) => {
        subjectAccessReviewOn(config);
        config.policy.authorization.users = { U0SOMEONEELSE: 'bob@example.com' };
      },
      subjectAccessReview: () => {
        reviews++;
        return true;
      },
    });
    const ack = await requestDebug(system, COMMAND);
    expect(ackOf(ack).text).toMatch(/no Kubernetes user is mapped to your chat account/);
    expect(reviews).toBe(0);
    expect((await refusalAudit(system, 'denied_authz')).reason).toMatch(/^unmapped/);
    await expectNothingRan(system);
  });
});

describe('permission revoked between approval and run (TEST-MATRIX 26)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('stops the job before the PATCH, says permission is no longer granted, audits denied_authz', async () => {
    let allowed = true;
    const reviews: boolean[] = [];
    system = await startApprovalSystem({
      tweak: subjectAccessReviewOn,
      subjectAccessReview: () => {
        reviews.push(allowed);
        return allowed ? true : { allowed: false, reason: 'RoleBinding debuggers was deleted' };
      },
    });
    const id = requestIdOf(await requestDebug(system, COMMAND));
    const card = cardOf(system, id);
    expect(reviews).toEqual([true]);

    // The requester's RBAC is revoked while the card waits.
    allowed = false;
    await click(system, system, { ...card.target, decision: 'approve', userId: APPROVER1 });
    expect(await nthAnswerTo(system, APPROVER1)).toMatch(/Approved/);

    const thread = await waitForThread(system, (all) => /Permission no longer granted/.test(all));
    expect(thread.all).toMatch(/you are not allowed to debug pods in namespace shop-prod/);
    expect(thread.all).toMatch(/Nothing was run/);
    expect(thread.all).not.toMatch(/RoleBinding debuggers/);

    const denied = await auditEvent(system, id, 'denied_authz');
    expect(denied.reason).toMatch(/^at run time: denied/);
    await auditEvent(system, id, 'failed');
    expect(reviews).toEqual([true, false]);
    await settle(300);
    expect(await jobIds(system)).toEqual([id]);
    expect(patchCount(system)).toBe(0);
    expect(system.kube.ephemeralContainers(PROD_NS, POD)).toHaveLength(0);
    // Not retried: a revoked permission is final.
    expect(reviews).toEqual([true, false]);
    const events = (await auditRecords(system, id)).map((r) => r.event);
    expect(events).not.toContain('container_created');
  });
});
