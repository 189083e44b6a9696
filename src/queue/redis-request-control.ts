import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DebugRequest } from '../core/model.js';
import type { CancelResult, RequestControl } from '../core/ports.js';
import { type DebugJobData, debugJobSchema, inboxKeys, parseJobPayload } from './job-contract.js';

/** Redis names shared by the front end (publisher) and every worker process (subscriber). */
export function cancelKeys(prefix: string, queueName: string) {
  return {
    flag: (requestId: string) => `${prefix}:${queueName}:cancel:${requestId}`,
    channel: `${prefix}:${queueName}:cancel-requests`,
  };
}

/**
 * Cancellation that works whichever process holds the job: a durable flag (checked by the worker
 * before it starts) plus a pub/sub message that makes the holding worker abort the running job.
 * The flag is written before the job state is read, so a job starting concurrently still sees it.
 */
export class RedisRequestControl implements RequestControl {
  private readonly keys: ReturnType<typeof cancelKeys>;

  constructor(
    private readonly options: {
      connection: Redis;
      queue: Queue<DebugJobData>;
      prefix: string;
      queueName: string;
    },
  ) {
    this.keys = cancelKeys(options.prefix, options.queueName);
  }

  async find(requestId: string): Promise<DebugRequest | undefined> {
    const job = await this.options.queue.getJob(requestId);
    const parsed = debugJobSchema.safeParse(job?.data ?? (await this.inInbox(requestId)));
    return parsed.success ? (parsed.data.request as DebugRequest) : undefined;
  }

  /** A request accepted but not yet moved into BullMQ: its claim holds the job payload. */
  private async inInbox(requestId: string): Promise<DebugJobData | undefined> {
    return parseJobPayload(
      await this.options.connection.get(
        inboxKeys(this.options.prefix, this.options.queueName).claim(requestId),
      ),
    );
  }

  async cancel(requestId: string, byUserId: string): Promise<CancelResult> {
    const flag = () => this.options.connection.set(this.keys.flag(requestId), byUserId, 'EX', 7 * 24 * 3600);
    let job = await this.options.queue.getJob(requestId);
    if (!job) {
      // Still in the inbox: the flag stops it before it starts, wherever it is moved.
      if (!(await this.inInbox(requestId))) return { status: 'not_found' };
      await flag();
      // Moved (and perhaps started) between the two reads: it is handled like any job below.
      job = await this.options.queue.getJob(requestId);
      if (!job) return { status: 'cancelled', wasRunning: false };
    } else {
      if (await job.isCompleted()) return { status: 'already_finished' };
      if (await job.isFailed()) return { status: 'already_finished' };
      await flag();
    }
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') return { status: 'already_finished' };
    if (state === 'active') await this.options.connection.publish(this.keys.channel, requestId);
    // A job waiting for a retry has already run once: its container may exist and may have run.
    return { status: 'cancelled', wasRunning: state === 'active' || job.attemptsMade > 0 };
  }

  async cancelledBy(requestId: string): Promise<string | undefined> {
    return (await this.options.connection.get(this.keys.flag(requestId))) ?? undefined;
  }
}
