import { z } from 'zod';
import { PROFILE_NAMES, REQUEST_PHASES, TARGET_KINDS } from '../core/model.js';

/** The job payload as stored in Redis: ids, target and argv only — never tokens or secrets. */
export const debugJobSchema = z.object({
  v: z.literal(1),
  request: z.object({
    id: z.string().regex(/^[A-Za-z0-9_-]+$/),
    requester: z.object({ userId: z.string(), teamId: z.string(), userName: z.string().optional() }),
    channelId: z.string(),
    threadTs: z.string().optional(),
    target: z.object({
      namespace: z.string(),
      kind: z.enum(TARGET_KINDS),
      name: z.string(),
      container: z.string().optional(),
    }),
    image: z.string(),
    profile: z.enum(PROFILE_NAMES).optional(),
    commands: z.array(z.array(z.string())),
    createdAt: z.string(),
    reason: z.string().max(1000).optional(),
    approvedBy: z.array(z.string()).optional(),
  }),
  state: z
    .object({
      rootId: z.string().optional(),
      transcriptPosted: z.boolean().optional(),
      finalPhase: z.enum(REQUEST_PHASES).optional(),
    })
    .default({}),
});

export type DebugJobData = z.infer<typeof debugJobSchema>;

/** Name of the BullMQ job (one kind for now). */
export const DEBUG_JOB_NAME = 'debug';
