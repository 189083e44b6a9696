import { z } from 'zod';
import { PROFILE_NAMES, type ProfileName } from '../core/model.js';

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
}

export const DEFAULT_NAMESPACE_DENY = ['kube-system', 'kube-public', 'kube-node-lease'];
/** Common debug images, any tag or digest. */
export const DEFAULT_IMAGE_ALLOW = ['busybox', 'alpine', 'nicolaka/netshoot'];
/** Everything but `sysadmin` (privileged). */
export const DEFAULT_PROFILE_ALLOW: ProfileName[] = PROFILE_NAMES.filter((name) => name !== 'sysadmin');

const pattern = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^\S+$/, 'must not contain whitespace');
const profile = z.enum(PROFILE_NAMES);
const count = (max: number, fallback: number) => z.number().int().min(1).max(max).default(fallback);

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
  })
  .superRefine((policy, ctx) => {
    if (!policy.profiles.allow.includes(policy.profiles.default)) {
      ctx.addIssue({
        code: 'custom',
        path: ['profiles', 'default'],
        message: `"${policy.profiles.default}" is not in profiles.allow (${policy.profiles.allow.join(', ')}); add it there or pick one of those`,
      });
    }
  }) satisfies z.ZodType<DebugPolicy>;

/** The policy with every default: what an empty `policy:` section means. */
export function defaultDebugPolicy(): DebugPolicy {
  return debugPolicySchema.parse({});
}
