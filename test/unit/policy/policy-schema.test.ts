import { describe, expect, it } from 'vitest';
import { debugPolicySchema, defaultDebugPolicy } from '../../../src/policy/policy-schema.js';

describe('debugPolicySchema', () => {
  it('fills every default from an empty object', () => {
    expect(defaultDebugPolicy()).toEqual({
      namespaces: { allow: ['*'], deny: ['kube-system', 'kube-public', 'kube-node-lease'] },
      images: { allow: ['busybox', 'alpine', 'nicolaka/netshoot'], requireDigest: false, denyLatest: true },
      profiles: { allow: ['general', 'baseline', 'restricted', 'netadmin'], default: 'general' },
      commands: {},
      limits: { maxCommands: 10, maxArgsPerCommand: 100, maxCommandChars: 4000 },
      access: {
        rules: [
          {
            name: 'everyone',
            users: ['*'],
            userGroups: [],
            channels: [],
            clusters: ['*'],
            namespaces: ['*'],
          },
        ],
      },
      production: { clusters: [], namespaces: [], namespaceLabels: [], podLabels: [] },
      approvals: { approvers: { users: [], groups: [] }, required: 1, expiresInMinutes: 15 },
      authorization: { subjectAccessReview: false, users: {}, useEmail: false, groups: [] },
    });
  });

  it('fills defaults inside partially given sections', () => {
    const policy = debugPolicySchema.parse({ namespaces: { allow: ['shop'] }, limits: { maxCommands: 3 } });
    expect(policy.namespaces).toEqual({
      allow: ['shop'],
      deny: ['kube-system', 'kube-public', 'kube-node-lease'],
    });
    expect(policy.limits).toEqual({ maxCommands: 3, maxArgsPerCommand: 100, maxCommandChars: 4000 });
  });

  it('accepts the shipped config/default.yaml policy shape', () => {
    const result = debugPolicySchema.safeParse({
      namespaces: { allow: ['*'], deny: ['kube-system', 'kube-public', 'kube-node-lease'] },
      images: {
        allow: ['docker.io/library/busybox:*', 'docker.io/library/alpine:*', 'docker.io/nicolaka/netshoot:*'],
        requireDigest: false,
        denyLatest: true,
      },
      profiles: { allow: ['general', 'baseline', 'restricted', 'netadmin'], default: 'general' },
    });
    expect(result.success).toBe(true);
  });

  it('reports every problem with its path: fail closed on a broken policy', () => {
    const result = debugPolicySchema.safeParse({
      namespaces: { alow: ['*'] },
      images: { allow: ['busy box'], denyLatest: 'yes' },
      profiles: { allow: ['general'], default: 'sysadmin' },
      commands: { allow: [] },
      limits: { maxCommands: 0 },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'namespaces',
        'images.allow.0',
        'images.denyLatest',
        'commands.allow',
        'limits.maxCommands',
      ]),
    );
  });

  it('requires the default profile to be allowed', () => {
    const result = debugPolicySchema.safeParse({ profiles: { allow: ['restricted'] } });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toEqual([
      expect.objectContaining({
        path: ['profiles', 'default'],
        message: expect.stringMatching(/"general" is not in profiles.allow/),
      }),
    ]);
  });

  it('rejects unknown profile names', () => {
    expect(debugPolicySchema.safeParse({ profiles: { allow: ['root'] } }).success).toBe(false);
  });
});

describe('debugPolicySchema: access, production, approvals, authorization', () => {
  const fullPolicy = {
    access: {
      rules: [
        {
          name: 'sre in prod',
          userGroups: ['S0SRE', '@platform'],
          channels: ['C0INCIDENT'],
          clusters: ['prod-*'],
          namespaces: ['shop', 'team-*'],
          profiles: ['general', 'restricted'],
          images: ['busybox:*'],
          approvers: { users: ['U0ALICE', 'T0OTHER:U0BOB'], groups: ['@sre-leads'] },
          approvalsRequired: 2,
          expiresInMinutes: 30,
        },
        { users: ['*'], namespaces: ['dev-*'] },
      ],
    },
    production: {
      clusters: ['prod-*'],
      namespaces: ['shop', '*-prod'],
      namespaceLabels: ['env=prod*', 'example.com/tier'],
      podLabels: ['app.kubernetes.io/part-of=checkout'],
    },
    approvals: { approvers: { users: ['U0ALICE'], groups: ['S0SRE'] }, required: 1, expiresInMinutes: 15 },
    authorization: {
      subjectAccessReview: true,
      users: { U0ALICE: 'alice@example.com' },
      useEmail: true,
      groups: ['slack-users'],
    },
  };

  it('accepts a full policy and fills rule defaults', () => {
    const policy = debugPolicySchema.parse(fullPolicy);
    expect(policy.access.rules[1]).toEqual({
      users: ['*'],
      userGroups: [],
      channels: [],
      clusters: ['*'],
      namespaces: ['dev-*'],
    });
    expect(policy.approvals.required).toBe(1);
    expect(policy.authorization.users).toEqual({ U0ALICE: 'alice@example.com' });
  });

  it('keeps an explicit empty rule list: nobody may request (fail closed)', () => {
    expect(debugPolicySchema.parse({ access: { rules: [] } }).access.rules).toEqual([]);
  });

  it('reports every problem at once, each with its path', () => {
    const result = debugPolicySchema.safeParse({
      access: {
        rules: [
          {
            name: 'names instead of ids',
            users: ['alice'],
            channels: ['#incidents'],
            profiles: ['sysadmin'],
          },
          { namespaces: ['shop'] },
          {
            users: ['U0A'],
            approvers: { users: ['bob'], groups: ['sre leads'] },
            approvalsRequired: 0,
            expiresInMinutes: 0,
          },
        ],
      },
      production: { namespaceLabels: ['bad key=x'], podLabels: ['-x'], clusters: ['prod one'] },
      approvals: { required: 11, expiresInMinutes: 2000, approvers: { users: ['Alice'] } },
      authorization: { subjectAccessReview: true, users: { alice: 'x' } },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'access.rules.0.users.0',
        'access.rules.0.channels.0',
        'access.rules.1.users',
        'access.rules.2.approvers.users.0',
        'access.rules.2.approvers.groups.0',
        'access.rules.2.approvalsRequired',
        'access.rules.2.expiresInMinutes',
        'production.namespaceLabels.0',
        'production.podLabels.0',
        'production.clusters.0',
        'approvals.required',
        'approvals.expiresInMinutes',
        'approvals.approvers.users.0',
        'authorization.users.alice',
      ]),
    );
    const message = result.error!.issues.find((i) => i.path.join('.') === 'access.rules.0.users.0')!.message;
    expect(message).toMatch(/Slack user ID .* never a name/);
  });

  it('requires rule profiles to be a subset of profiles.allow', () => {
    const result = debugPolicySchema.safeParse({
      access: { rules: [{ users: ['*'], profiles: ['sysadmin'] }] },
    });
    expect(result.error!.issues).toEqual([
      expect.objectContaining({
        path: ['access', 'rules', 0, 'profiles'],
        message: expect.stringMatching(/"sysadmin" is not in profiles.allow/),
      }),
    ]);
  });

  it('requires a way to name Kubernetes users when SubjectAccessReview is on', () => {
    const result = debugPolicySchema.safeParse({ authorization: { subjectAccessReview: true } });
    expect(result.error!.issues).toEqual([expect.objectContaining({ path: ['authorization', 'users'] })]);
    expect(
      debugPolicySchema.safeParse({ authorization: { subjectAccessReview: true, useEmail: true } }).success,
    ).toBe(true);
  });

  it('rejects unknown keys in the new sections', () => {
    const result = debugPolicySchema.safeParse({
      approvals: { approver: ['U0A'] },
      production: { namespace: ['x'] },
    });
    expect(result.error!.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['approvals', 'production']),
    );
  });
});
