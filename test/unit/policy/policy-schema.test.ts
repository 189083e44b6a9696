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
