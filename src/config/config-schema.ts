import { z } from 'zod';
import { PROFILE_NAMES } from '../core/model.js';

/** argv list: at least one non-empty word per command. */
const argvList = z.array(z.array(z.string().min(1)).min(1)).min(1);

export const presetSchema = z.object({
  description: z.string().min(1),
  image: z.string().min(1).optional(),
  profile: z.enum(PROFILE_NAMES).optional(),
  commands: argvList,
});

/** The YAML file (CONFIG_FILE). Secrets never live here: they come from the environment. */
export const fileConfigSchema = z
  .object({
    cluster: z.object({ name: z.string().min(1).default('default') }).prefault({}),
    defaults: z
      .object({
        namespace: z.string().min(1).default('default'),
        image: z.string().min(1).default('busybox:1.36'),
      })
      .prefault({}),
    debug: z
      .object({
        startDeadlineSeconds: z.number().int().positive().max(3600).default(120),
        runDeadlineSeconds: z.number().int().positive().max(3600).default(300),
        outputCapBytes: z
          .number()
          .int()
          .positive()
          .max(64 * 1024 * 1024)
          .default(1024 * 1024),
        maxContainersPerPod: z.number().int().positive().max(1000).default(10),
        kubeRequestTimeoutMs: z.number().int().positive().default(10_000),
      })
      .prefault({}),
    queue: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only (BullMQ forbids ":")')
          .default('debug-jobs'),
        prefix: z.string().min(1).default('k8s-debug-bot'),
      })
      .prefault({}),
    worker: z
      .object({
        concurrency: z.number().int().positive().max(500).default(10),
        attempts: z.number().int().positive().max(10).default(3),
        backoffMs: z.number().int().nonnegative().default(2000),
        lockDurationMs: z.number().int().positive().default(30_000),
        stalledIntervalMs: z.number().int().positive().default(30_000),
        maxStalledCount: z.number().int().nonnegative().default(1),
      })
      .prefault({}),
    audit: z
      .object({
        streamMaxLength: z.number().int().positive().default(100_000),
      })
      .prefault({}),
    policy: z.unknown().optional(),
    presets: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), presetSchema).default({}),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type Preset = z.infer<typeof presetSchema>;
