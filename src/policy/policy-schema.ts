import { z } from 'zod';
import type { ApproverSpec, AuthorizationSettings } from '../core/approval-model.js';
import { PROFILE_NAMES, type ProfileName } from '../core/model.js';
import { isLabelSelector } from './match-labels.js';

/** Who may debug what: the pure rules {@link evaluateRequest} applies to every request. */
export interface DebugPolicy {
  namespaces: {
    /** Glob patterns (`*` any characters, `?` one); a namespace must match one. */
    allow: string[];
    /** Glob patterns; a match refuses the namespace even when it is allowed. */
    deny: string[];
  };
  images: {
    /**
     * Patterns on the image reference, Docker Hub names normalised (`busybox:*` ≡
     * `docker.io/library/busybox:*`). No tag part = any tag or digest; `:*` also admits digest-only
     * references; `@sha256:…` patterns match digests. `*` alone allows every image.
     */
    allow: string[];
    /** Only `…@sha256:…` references. */
    requireDigest: boolean;
    /** Refuse `:latest` and untagged references (unless pinned by digest). */
    denyLatest: boolean;
  };
  profiles: {
    allow: ProfileName[];
    /** Used when the request names none; must be in `allow`. */
    default: ProfileName;
  };
  commands: {
    /** When set, every command's argv[0] must match one: by basename, or by full path for entries with `/`. */
    allow?: string[];
  };
  limits: {
    maxCommands: number;
    maxArgsPerCommand: number;
    /** Characters in one command: its arguments joined by single spaces. */
    maxCommandChars: number;
  };
  /** Who may request debugging where. The first rule that admits a request governs it (approvers, profiles). */
  access: {
    /** Omitted: one rule admitting everyone everywhere (the behaviour before rules existed). `[]`: nobody. */
    rules: AccessRule[];
  };
  /** What counts as production: a target matching any one entry needs approval before anything runs. */
  production: {
    /** Globs on the cluster name (`cluster.name`). */
    clusters: string[];
    /** Globs on the namespace name. */
    namespaces: string[];
    /** `key` (present) or `key=value-glob`. Unknown labels (lookup failed) count as production. */
    namespaceLabels: string[];
    /** Same syntax, on the target pod's labels; unknown (workload target, lookup failed) counts as production. */
    podLabels: string[];
  };
  /** Defaults for production approvals; an access rule may override each. */
  approvals: {
    approvers: ApproverSpec;
    /** Distinct approvers needed (the requester never counts). */
    required: number;
    expiresInMinutes: number;
  };
  /** Optional per-user check through a Kubernetes SubjectAccessReview. */
  authorization: AuthorizationSettings;
}

/** One access rule: who (users or user groups), from where (channels), on what (clusters, namespaces). */
export interface AccessRule {
  /** Shown in audit records and messages; defaults to `rule <n>`. */
  name?: string;
  /** Slack user IDs (`U…`/`W…`, or `T…:U…`), or `*` for everyone. */
  users: string[];
  /** Slack user-group IDs (`S…`) or handles (`@sre-oncall`) whose members the rule admits. */
  userGroups: string[];
  /** Channel IDs where requests are accepted; empty = any channel. */
  channels: string[];
  clusters: string[];
  namespaces: string[];
  /** Profiles this rule admits; default: `profiles.allow`. Must be a subset of it. */
  profiles?: ProfileName[];
  /** Image patterns this rule admits, on top of `images.allow` (both must pass). */
  images?: string[];
  approvers?: ApproverSpec;
  approvalsRequired?: number;
  expiresInMinutes?: number;
}

export const DEFAULT_NAMESPACE_DENY = ['kube-system', 'kube-public', 'kube-node-lease'];
/** Common debug images, any tag or digest. */
export const DEFAULT_IMAGE_ALLOW = ['busybox', 'alpine', 'nicolaka/netshoot'];
/** Everything but `sysadmin` (privileged). */
export const DEFAULT_PROFILE_ALLOW: ProfileName[] = PROFILE_NAMES.filter((name) => name !== 'sysadmin');

/** What an omitted `access` section means: everyone may request, wherever the other rules allow. */
export const DEFAULT_ACCESS_RULE: AccessRule = {
  name: 'everyone',
  users: ['*'],
  userGroups: [],
  channels: [],
  clusters: ['*'],
  namespaces: ['*'],
};

const SLACK_USER = /^(?:T[A-Z0-9]{2,}:)?[UW][A-Z0-9]{2,}$/;
const SLACK_GROUP = /^(?:S[A-Z0-9]{2,}|@[a-z0-9][a-z0-9._-]{0,79})$/;
const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,}$/;

const slackUser = z
  .string()
  .regex(
    SLACK_USER,
    'must be a Slack user ID such as U012ABCDEF (T…:U… for another workspace), never a name',
  );
const slackGroup = z
  .string()
  .regex(SLACK_GROUP, 'must be a Slack user-group ID such as S012ABCDEF or a handle such as @sre-oncall');
const slackChannel = z.string().regex(SLACK_CHANNEL, 'must be a Slack channel ID such as C012ABCDEF');
const labelSelector = z
  .string()
  .refine(isLabelSelector, 'must be a label key (`env`) or key=value (`env=prod*`), with a valid label key');
const minutes = z.number().int().min(1).max(1440);
const approverSpec = z.strictObject({
  users: z.array(slackUser).default([]),
  groups: z.array(slackGroup).default([]),
});

const pattern = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^\S+$/, 'must not contain whitespace');
const profile = z.enum(PROFILE_NAMES);
const count = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

const accessRule = z
  .strictObject({
    name: z.string().min(1).max(80).optional(),
    users: z.array(z.union([z.literal('*'), slackUser])).default([]),
    userGroups: z.array(slackGroup).default([]),
    channels: z.array(slackChannel).default([]),
    clusters: z.array(pattern).min(1).default(['*']),
    namespaces: z.array(pattern).min(1).default(['*']),
    profiles: z.array(profile).min(1).optional(),
    images: z.array(pattern).min(1).optional(),
    approvers: approverSpec.optional(),
    approvalsRequired: z.number().int().min(1).max(10).optional(),
    expiresInMinutes: minutes.optional(),
  })
  .refine((rule) => rule.users.length > 0 || rule.userGroups.length > 0, {
    path: ['users'],
    message: 'name the users or userGroups this rule admits (users: ["*"] admits everyone)',
  });

/**
 * zod schema for {@link DebugPolicy}: every field defaults, unknown keys are errors (a misspelt
 * setting must not silently open anything), and the default profile must be an allowed one.
 */
export const debugPolicySchema = z
  .strictObject({
    namespaces: z
      .strictObject({
        allow: z.array(pattern).default(['*']),
        deny: z.array(pattern).default(DEFAULT_NAMESPACE_DENY),
      })
      .prefault({}),
    images: z
      .strictObject({
        allow: z.array(pattern).default(DEFAULT_IMAGE_ALLOW),
        requireDigest: z.boolean().default(false),
        denyLatest: z.boolean().default(true),
      })
      .prefault({}),
    profiles: z
      .strictObject({
        allow: z.array(profile).min(1).default(DEFAULT_PROFILE_ALLOW),
        default: profile.default('general'),
      })
      .prefault({}),
    commands: z.strictObject({ allow: z.array(pattern).min(1).optional() }).prefault({}),
    limits: z
      .strictObject({
        maxCommands: count(100, 10),
        maxArgsPerCommand: count(10_000, 100),
        maxCommandChars: count(1_000_000, 4000),
      })
      .prefault({}),
    access: z
      .strictObject({ rules: z.array(accessRule).default(() => [{ ...DEFAULT_ACCESS_RULE }]) })
      .prefault({}),
    production: z
      .strictObject({
        clusters: z.array(pattern).default([]),
        namespaces: z.array(pattern).default([]),
        namespaceLabels: z.array(labelSelector).default([]),
        podLabels: z.array(labelSelector).default([]),
      })
      .prefault({}),
    approvals: z
      .strictObject({
        approvers: approverSpec.prefault({}),
        required: count(10, 1),
        expiresInMinutes: minutes.default(15),
      })
      .prefault({}),
    authorization: z
      .strictObject({
        subjectAccessReview: z.boolean().default(false),
        users: z
          .record(z.string().regex(SLACK_USER, 'keys must be Slack user IDs'), z.string().min(1).max(253))
          .default({}),
        useEmail: z.boolean().default(false),
        groups: z.array(z.string().min(1).max(253)).default([]),
      })
      .prefault({}),
  })
  .superRefine((policy, ctx) => {
    if (!policy.profiles.allow.includes(policy.profiles.default)) {
      ctx.addIssue({
        code: 'custom',
        path: ['profiles', 'default'],
        message: `"${policy.profiles.default}" is not in profiles.allow (${policy.profiles.allow.join(', ')}); add it there or pick one of those`,
      });
    }
    for (const [index, rule] of policy.access.rules.entries()) {
      for (const name of rule.profiles ?? []) {
        if (policy.profiles.allow.includes(name)) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['access', 'rules', index, 'profiles'],
          message: `"${name}" is not in profiles.allow (${policy.profiles.allow.join(', ')}); a rule can only narrow that list`,
        });
      }
    }
    const auth = policy.authorization;
    if (auth.subjectAccessReview && !auth.useEmail && Object.keys(auth.users).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['authorization', 'users'],
        message:
          'subjectAccessReview needs a way to name Kubernetes users: list users (Slack ID → user) or set useEmail: true',
      });
    }
  }) satisfies z.ZodType<DebugPolicy>;

/** The policy with every default: what an empty `policy:` section means. */
export function defaultDebugPolicy(): DebugPolicy {
  return debugPolicySchema.parse({});
}
