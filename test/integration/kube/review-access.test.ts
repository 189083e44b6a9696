import { afterEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { createKubeAccessReviewer } from '../../../src/kube/index.js';
import { type FakeKubeApi, startFakeKubeApi } from '../../fakes/kube-apiserver/index.js';

let fake: FakeKubeApi;
afterEach(() => fake.close());

describe('SubjectAccessReview', () => {
  it('asks about patch pods/ephemeralcontainers for the given user and returns the decision', async () => {
    fake = await startFakeKubeApi({
      subjectAccessReview: (spec) =>
        spec.user === 'alice@example.com' ? true : { allowed: false, reason: 'no RoleBinding for this user' },
    });
    const reviewer = createKubeAccessReviewer({ kubeConfigOptions: fake.kubeConfigOptions() });
    expect(await reviewer.canDebug('alice@example.com', ['sre'], 'shop', 'web-1')).toEqual({
      allowed: true,
    });
    expect(await reviewer.canDebug('mallory@example.com', [], 'shop', '')).toEqual({
      allowed: false,
      reason: 'no RoleBinding for this user',
    });
    expect(
      (fake.requests[1]!.body as { spec: { resourceAttributes: object } }).spec.resourceAttributes,
    ).not.toHaveProperty('name');
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      body: {
        spec: {
          user: 'alice@example.com',
          groups: ['sre'],
          resourceAttributes: {
            namespace: 'shop',
            verb: 'patch',
            resource: 'pods',
            subresource: 'ephemeralcontainers',
            name: 'web-1',
          },
        },
      },
    });
  });

  it('fails closed with a coded error when the bot may not create reviews, and times out on a hang', async () => {
    fake = await startFakeKubeApi({ rbacAllow: [] });
    const reviewer = createKubeAccessReviewer({
      kubeConfigOptions: fake.kubeConfigOptions(),
      requestTimeoutMs: 200,
    });
    const denied = await reviewer.canDebug('alice', [], 'shop', 'web-1').catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(DebugError);
    expect((denied as DebugError).code).toBe('forbidden_rbac');
    fake.inject({ method: 'POST', respond: 'hang' });
    const hung = await reviewer.canDebug('alice', [], 'shop', 'web-1').catch((e: unknown) => e);
    expect((hung as DebugError).code).toBe('api_timeout');
  });
});
