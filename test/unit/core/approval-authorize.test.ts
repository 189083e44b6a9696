import { describe, expect, it } from 'vitest';
import type { AuthorizationSettings } from '../../../src/core/approval-model.js';
import { assertStillAuthorized, authorizeRequester } from '../../../src/core/authorize-requester.js';
import { aDebugRequest } from '../../helpers/builders.js';
import { FakeReviewer, FakeUserDirectory, MemoryApprovalAudit } from './approval-fakes.js';

const on: AuthorizationSettings = {
  subjectAccessReview: true,
  users: { U0REQ: 'alice' },
  useEmail: false,
  groups: ['chat-users'],
};

describe('authorizeRequester', () => {
  it('allows without a review when SubjectAccessReview is off', async () => {
    const reviewer = new FakeReviewer();
    expect(
      await authorizeRequester(aDebugRequest(), {
        settings: { ...on, subjectAccessReview: false },
        reviewer,
      }),
    ).toEqual({ allowed: true });
    expect(reviewer.reviews).toEqual([]);
  });

  it('reviews patch pods/ephemeralcontainers for the mapped user, with the configured groups', async () => {
    const reviewer = new FakeReviewer();
    expect(await authorizeRequester(aDebugRequest(), { settings: on, reviewer })).toEqual({
      allowed: true,
      kubeUser: 'alice',
    });
    expect(reviewer.reviews).toEqual([
      { user: 'alice', groups: ['chat-users'], namespace: 'shop', pod: 'checkout-7d9f' },
    ]);
  });

  it('asks about the whole namespace for workload targets (the pod is not known yet)', async () => {
    const reviewer = new FakeReviewer();
    await authorizeRequester(
      aDebugRequest({ target: { namespace: 'shop', kind: 'deployment', name: 'checkout' } }),
      { settings: on, reviewer },
    );
    expect(reviewer.reviews[0]?.pod).toBe('');
  });

  it('prefers a team-qualified map entry, then the bare id, then the profile email', async () => {
    const reviewer = new FakeReviewer();
    const settings = { ...on, users: { 'T0TEAM:U0REQ': 'qualified', U0REQ: 'bare' }, useEmail: true };
    expect(
      await authorizeRequester(aDebugRequest(), {
        settings,
        reviewer,
        users: new FakeUserDirectory({ U0REQ: 'x@y' }),
      }),
    ).toMatchObject({ kubeUser: 'qualified' });
    const byEmail = await authorizeRequester(aDebugRequest(), {
      settings: { ...settings, users: {} },
      reviewer,
      users: new FakeUserDirectory({ U0REQ: 'alice@example.com' }),
    });
    expect(byEmail).toEqual({ allowed: true, kubeUser: 'alice@example.com' });
  });

  it('refuses unmapped users, failed lookups and failed reviews (fail closed)', async () => {
    const reviewer = new FakeReviewer();
    const unmapped = await authorizeRequester(aDebugRequest(), { settings: { ...on, users: {} }, reviewer });
    expect(unmapped).toMatchObject({
      allowed: false,
      code: 'unmapped',
      reason: expect.stringMatching(/no Kubernetes user is mapped/),
    });
    const noEmail = await authorizeRequester(aDebugRequest(), {
      settings: { ...on, users: {}, useEmail: true },
      reviewer,
      users: new FakeUserDirectory(),
    });
    expect(noEmail).toMatchObject({ allowed: false, code: 'unmapped' });
    const brokenDirectory = { emailOf: async () => Promise.reject(new Error('slack down')) };
    expect(
      await authorizeRequester(aDebugRequest(), {
        settings: { ...on, users: {}, useEmail: true },
        reviewer,
        users: brokenDirectory,
      }),
    ).toMatchObject({
      allowed: false,
      code: 'review_failed',
    });
    reviewer.failWith = new Error('apiserver 503');
    const failed = await authorizeRequester(aDebugRequest(), { settings: on, reviewer });
    expect(failed).toMatchObject({
      allowed: false,
      code: 'review_failed',
      detail: 'access review failed: apiserver 503',
    });
    expect(failed.allowed === false && failed.reason).not.toMatch(/503/);
  });
});

describe('assertStillAuthorized (the worker re-check, row 26)', () => {
  it('passes when permission still holds', async () => {
    const audit = new MemoryApprovalAudit();
    await expect(
      assertStillAuthorized(aDebugRequest(), { settings: on, reviewer: new FakeReviewer(), audit }),
    ).resolves.toBeUndefined();
    expect(audit.records).toEqual([]);
  });

  it('stops with "permission no longer granted" (not retryable) and an audit record when revoked', async () => {
    const audit = new MemoryApprovalAudit();
    const reviewer = new FakeReviewer();
    reviewer.allowed = () => false;
    const error = await assertStillAuthorized(aDebugRequest(), { settings: on, reviewer, audit }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'policy_denied',
      retryable: false,
      userMessage:
        'Permission no longer granted: you are not allowed to debug pods in namespace shop (Kubernetes RBAC for alice). Nothing was run.',
    });
    expect(audit.records).toEqual([
      expect.objectContaining({
        event: 'denied_authz',
        reason: 'at run time: denied: no RBAC rule',
        requestId: 'rtestrequest1',
      }),
    ]);
  });

  it('asks for a retry when the review itself failed', async () => {
    const reviewer = new FakeReviewer();
    reviewer.failWith = new Error('timeout');
    const error = await assertStillAuthorized(aDebugRequest(), {
      settings: on,
      reviewer,
      audit: new MemoryApprovalAudit(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'api_unavailable', retryable: true });
  });
});
