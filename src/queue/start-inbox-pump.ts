import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/ports.js';
import { DEBUG_JOB_NAME, type DebugJobData, debugJobSchema } from './job-contract.js';

export interface InboxPumpOptions {
  /** A connection of its own: the pump blocks on XREADGROUP. Closed by `stop()`. */
  connection: Redis;
  /** Where the jobs go (its default job options apply). */
  queue: Queue<DebugJobData>;
  keys: { inbox: string; group: string };
  logger: Logger;
  /** Entries moved per round (default 100). */
  batchSize?: number;
  /** How long one read waits for new entries (default 1000 ms). */
  blockMs?: number;
  /** Entries read by a pump that died before moving them are taken over after this long (default 30 s). */
  reclaimIdleMs?: number;
}

export interface InboxPump {
  stop(): Promise<void>;
}

type StreamEntry = [id: string, fields: string[]];

const DEAD_CONSUMER_IDLE_MS = 24 * 3600 * 1000;

/**
 * Moves requests from the inbox stream into BullMQ. Every worker process runs one; the consumer group
 * hands each entry to one pump. An entry is acknowledged and deleted only after BullMQ has the job
 * (`addBulk`, job id = request id, so a repeated move is a no-op); entries of a pump that died between
 * read and acknowledgement are reclaimed by the others after `reclaimIdleMs`.
 */
export function startInboxPump(options: InboxPumpOptions): InboxPump {
  const { connection, keys, logger } = options;
  const batchSize = options.batchSize ?? 100;
  const blockMs = options.blockMs ?? 1000;
  const reclaimIdleMs = options.reclaimIdleMs ?? 30_000;
  const consumer = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  let stopped = false;

  async function ensureGroup(): Promise<void> {
    try {
      // From the stream's start: entries written before any worker existed are moved too.
      await connection.xgroup('CREATE', keys.inbox, keys.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('BUSYGROUP')) throw error;
    }
  }

  async function move(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const jobs = [];
    for (const [entryId, fields] of entries) {
      const data = parseEntry(fields);
      if (data) jobs.push({ name: DEBUG_JOB_NAME, data, opts: { jobId: data.request.id } });
      else logger.error({ entryId }, 'malformed inbox entry dropped');
    }
    if (jobs.length > 0) await options.queue.addBulk(jobs);
    const ids = entries.map(([id]) => id);
    await connection
      .multi()
      .xack(keys.inbox, keys.group, ...ids)
      .xdel(keys.inbox, ...ids)
      .exec();
  }

  /** Own pending entries ('0', after a failed move) or new ones ('>', waiting up to blockMs). */
  async function read(from: '0' | '>'): Promise<StreamEntry[]> {
    const wait = from === '>' ? ['BLOCK', blockMs] : [];
    const reply = (await connection.xreadgroup(
      'GROUP',
      keys.group,
      consumer,
      'COUNT',
      batchSize,
      ...(wait as ['BLOCK', number]),
      'STREAMS',
      keys.inbox,
      from,
    )) as Array<[string, StreamEntry[]]> | null;
    return reply?.[0]?.[1] ?? [];
  }

  async function reclaim(): Promise<void> {
    let cursor = '0-0';
    for (let round = 0; round < 10; round++) {
      const [next, entries] = (await connection.xautoclaim(
        keys.inbox,
        keys.group,
        consumer,
        reclaimIdleMs,
        cursor,
        'COUNT',
        batchSize,
      )) as [string, StreamEntry[]];
      await move(entries.filter((entry) => entry?.[1]));
      if (next === '0-0') break;
      cursor = next;
    }
    await forgetDeadConsumers();
  }

  /** Every worker start adds a consumer name; those idle for a day with nothing pending are removed. */
  async function forgetDeadConsumers(): Promise<void> {
    const consumers = (await connection.xinfo('CONSUMERS', keys.inbox, keys.group)) as unknown[][];
    for (const fields of consumers) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) info[String(fields[i])] = fields[i + 1];
      if (info.name !== consumer && info.pending === 0 && Number(info.idle) > DEAD_CONSUMER_IDLE_MS)
        await connection.xgroup('DELCONSUMER', keys.inbox, keys.group, String(info.name));
    }
  }

  const loop = (async () => {
    let lastReclaim = 0;
    let from: '0' | '>' = '0';
    let ready = false;
    while (!stopped) {
      try {
        if (!ready) {
          await ensureGroup();
          ready = true;
        }
        if (Date.now() - lastReclaim >= reclaimIdleMs / 2) {
          lastReclaim = Date.now();
          await reclaim();
        }
        const entries = await read(from);
        from = '>';
        await move(entries);
      } catch (error) {
        if (stopped) break;
        logger.warn({ err: { message: (error as Error).message } }, 'inbox pump: retrying in 1 s');
        // Whatever was read but not moved is this consumer's pending list: read it again first.
        from = '0';
        ready = !(error instanceof Error && error.message.startsWith('NOGROUP'));
        await sleep(1000);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      connection.disconnect();
      await loop;
    },
  };
}

function parseEntry(fields: string[]): DebugJobData | undefined {
  const index = fields.indexOf('data');
  if (index < 0 || index % 2 !== 0) return undefined;
  try {
    const parsed = debugJobSchema.safeParse(JSON.parse(fields[index + 1]!));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
