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

/**
 * Redis names shared by the front end (writer) and the workers (inbox pump). The front end's durable
 * hand-off is one script: a claim on the request id (value: the job payload) plus an entry in the
 * inbox stream; each worker's pump moves inbox entries into BullMQ (consumer group `pump`).
 */
export function inboxKeys(prefix: string, queueName: string) {
  return {
    claim: (requestId: string) => `${prefix}:${queueName}:request:${requestId}`,
    inbox: `${prefix}:${queueName}:inbox`,
    /** Requests BullMQ refused repeatedly (never expected; kept for an operator to look at). */
    dead: `${prefix}:${queueName}:inbox:dead`,
    group: 'pump',
  };
}

/** BullMQ options of every debug job (the job id is the request id). */
export function debugJobOptions(settings: { attempts: number; backoffMs: number }) {
  return {
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    // Kept by age only (no count): a redelivered request's add relies on the job still existing while its
    // claim lives, however many jobs ran in between.
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** A job payload written as JSON (inbox entry, request claim), or undefined when it is not one. */
export function parseJobPayload(json: string | null | undefined): DebugJobData | undefined {
  if (!json) return undefined;
  try {
    const parsed = debugJobSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The value of a stream entry's field (names at even positions), or undefined. */
function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** The job payload of an inbox stream entry (fields `id`, `data`), or undefined when it is not one. */
export function parseInboxEntry(fields: string[]): DebugJobData | undefined {
  return parseJobPayload(fieldOf(fields, 'data'));
}

/**
 * The `requested` audit record an inbox entry carries (field `audit`, written by the hand-off script
 * with the record it put in the audit stream), for the pump's JSON-log copy; undefined when absent.
 */
export function inboxAuditRecord(fields: string[]): Record<string, unknown> | undefined {
  const json = fieldOf(fields, 'audit');
  if (json === undefined) return undefined;
  try {
    const record: unknown = JSON.parse(json);
    return typeof record === 'object' && record !== null && !Array.isArray(record)
      ? (record as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
