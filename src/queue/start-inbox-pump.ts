import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/ports.js';
import { DEBUG_JOB_NAME, type DebugJobData, inboxAuditRecord, parseInboxEntry } from './job-contract.js';
import { pruneInboxConsumers } from './prune-inbox-consumers.js';

export interface InboxPumpOptions {
  /** A connection of its own: the pump blocks on XREADGROUP. Closed by `stop()`. */
  connection: Redis;
  /** Where the jobs go (its default job options apply). */
  queue: Queue<DebugJobData>;
  keys: { inbox: string; group: string; dead: string; claim: (requestId: string) => string };
  /** How long a moved request's id stays claimed, so a late redelivery is still a duplicate (default 1 h). */
  claimTtlSeconds?: number;
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

/** Fields are null for an entry deleted or trimmed after it was delivered (XAUTOCLAIM, Redis 6.2). */
type StreamEntry = [id: string, fields: string[] | null];

/** A request BullMQ refused this often on its own is parked in the dead-letter stream, not retried forever. */
const MAX_MOVE_FAILURES = 5;

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
  const claimTtlSeconds = options.claimTtlSeconds ?? 3600;
  const failures = new Map<string, number>();
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

  /** Moves what it can; returns how many entries stay pending for another try. */
  async function move(entries: StreamEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const moves: Array<{ entryId: string; data: DebugJobData; audit?: Record<string, unknown> }> = [];
    for (const [entryId, fields] of entries) {
      const data = fields ? parseInboxEntry(fields) : undefined;
      const audit = data && fields ? inboxAuditRecord(fields) : undefined;
      if (data) moves.push(audit ? { entryId, data, audit } : { entryId, data });
      else if (fields) logger.error({ entryId }, 'malformed inbox entry dropped');
    }
    const done = new Set(entries.map(([id]) => id));
    const toJob = ({ data }: { data: DebugJobData }) => ({
      name: DEBUG_JOB_NAME,
      data,
      opts: { jobId: data.request.id },
    });
    if (moves.length > 0) {
      try {
        await options.queue.addBulk(moves.map(toJob));
      } catch (error) {
        // One by one: a request BullMQ refuses must not hold up the others.
        if (connection.status !== 'ready') throw error;
        for (const move of moves) await moveAlone(move, toJob(move), done);
      }
    }
    const moved = moves.filter((m) => done.has(m.entryId));
    const claims = moved.map((m) => keys.claim(m.data.request.id));
    if (done.size === 0) return entries.length;
    let tx = connection
      .multi()
      .xack(keys.inbox, keys.group, ...done)
      .xdel(keys.inbox, ...done);
    // Claimed for good while waiting in the inbox; from now on for the dedupe window only.
    for (const claim of claims) tx = tx.expire(claim, claimTtlSeconds);
    await tx.exec();
    // The JSON-log copy of each `requested` record the front end wrote to the audit stream (it logs
    // none itself), once the entry is acknowledged: a move that is retried is not logged twice.
    for (const { audit } of moved) if (audit) logger.info({ audit }, 'audit');
    return entries.length - done.size;
  }

  async function moveAlone(
    move: { entryId: string; data: DebugJobData },
    job: { name: string; data: DebugJobData; opts: { jobId: string } },
    done: Set<string>,
  ): Promise<void> {
    try {
      await options.queue.add(job.name, job.data, job.opts);
      failures.delete(move.entryId);
    } catch (error) {
      const count = (failures.get(move.entryId) ?? 0) + 1;
      failures.set(move.entryId, count);
      if (count < MAX_MOVE_FAILURES) {
        done.delete(move.entryId); // stays pending: read again next round
        return;
      }
      failures.delete(move.entryId);
      logger.error(
        { err: error, requestId: move.data.request.id, dead: keys.dead },
        'request could not be queued; parked in the dead-letter stream',
      );
      await connection.xadd(keys.dead, '*', 'data', JSON.stringify(move.data), 'error', String(error));
    }
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
      await move(entries.filter(Boolean));
      if (next === '0-0') break;
      cursor = next;
    }
    await pruneInboxConsumers(connection, keys, consumer);
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
        if ((await move(entries)) > 0) {
          // Some were refused one by one: they are read again (own pending list) in a second.
          from = '0';
          await sleep(1000);
        }
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
      // Let the current read end by itself (≤ blockMs): what Redis already handed to this pump is moved
      // now instead of waiting out another pump's reclaim. A Redis that does not answer is not waited for.
      await Promise.race([loop, sleep(blockMs + 500, undefined, { ref: false })]);
      connection.disconnect();
      await Promise.race([loop, sleep(5000, undefined, { ref: false })]);
    },
  };
}
