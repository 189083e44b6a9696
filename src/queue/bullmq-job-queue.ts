import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DebugError } from '../core/errors.js';
import type { DebugRequest } from '../core/model.js';
import type { EnqueueResult, JobQueue } from '../core/ports.js';
import { DEBUG_JOB_NAME, type DebugJobData } from './job-contract.js';

export interface BullJobQueueOptions {
  connection: Redis;
  queueName: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
  /** How long a request id stays claimed, so a late redelivery is still a duplicate (seconds; default 1 hour). */
  dedupeTtlSeconds?: number;
  /** Upper bound for one enqueue, so a stuck Redis never stalls the ack. */
  timeoutMs?: number;
}

/**
 * BullMQ-backed JobQueue. A `SET NX` claim on the request id makes duplicates explicit (BullMQ's own
 * jobId dedupe cannot tell the caller), and the job id is the request id as a second line of defence.
 */
export class BullJobQueue implements JobQueue {
  readonly queue: Queue<DebugJobData>;

  constructor(private readonly options: BullJobQueueOptions) {
    this.queue = new Queue<DebugJobData>(options.queueName, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: {
        attempts: options.attempts,
        backoff: { type: 'exponential', delay: options.backoffMs },
        // Kept by age only (no count): a duplicate's add relies on the job still existing while its
        // claim lives, however many jobs ran in between.
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
    this.queue.on('error', () => {
      // connection errors surface through enqueue(); the listener keeps them from being unhandled
    });
  }

  async enqueue(request: DebugRequest): Promise<EnqueueResult> {
    return withTimeout(this.options.timeoutMs ?? 2000, async () => {
      const key = `${this.options.prefix}:${this.options.queueName}:request:${request.id}`;
      const data: DebugJobData = { v: 1, request, state: {} };
      // Claim and add are sent together (one round trip with auto-pipelining). A duplicate's add is a
      // no-op: while the claim lives (1 hour) the job with this id still exists (kept 7 days), and
      // BullMQ ignores an add for an existing job id.
      const [claimed, added] = await Promise.allSettled([
        this.options.connection.set(key, '1', 'EX', this.options.dedupeTtlSeconds ?? 3600, 'NX'),
        this.queue.add(DEBUG_JOB_NAME, data, { jobId: request.id }),
      ]);
      if (claimed.status === 'rejected') throw claimed.reason;
      if (claimed.value !== 'OK') return { status: 'duplicate' } as const;
      if (added.status === 'rejected') {
        await this.options.connection.del(key).catch(() => undefined);
        throw added.reason;
      }
      return { status: 'queued' } as const;
    });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

async function withTimeout<T>(ms: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EnqueueTimeout(`enqueue timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    if (error instanceof EnqueueTimeout) {
      throw new DebugError(
        'queue_unavailable',
        'The job queue (Redis) did not answer in time, so it is not known whether the request was queued. Watch this channel for its message before trying again.',
        { retryable: true, cause: error },
      );
    }
    throw new DebugError(
      'queue_unavailable',
      'The job queue (Redis) is unavailable right now, so nothing was run. Please try again in a minute.',
      { retryable: true, cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

class EnqueueTimeout extends Error {
  override readonly name = 'EnqueueTimeout';
}
