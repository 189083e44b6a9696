import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { isDebugError } from '../core/errors.js';
import type { DebugRequest } from '../core/model.js';
import type { Logger } from '../core/ports.js';
import type { JobContext, JobResult, JobState } from '../core/process-debug-job.js';
import { type DebugJobData, debugJobOptions, debugJobSchema, inboxKeys } from './job-contract.js';
import { startInboxPump } from './start-inbox-pump.js';

export interface DebugWorkerOptions {
  connection: Redis;
  queueName: string;
  prefix: string;
  concurrency: number;
  attempts: number;
  /** First retry delay (exponential backoff) of jobs this worker's inbox pump adds. Default 2000 ms. */
  backoffMs?: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  logger: Logger;
  /** The use case; retryable errors it throws are retried by BullMQ, others end the job. */
  process: (ctx: JobContext) => Promise<JobResult>;
  /** Pub/sub channel on which cancel requests arrive (see redis-request-control.ts). */
  cancelChannel?: string;
  /** Called once when a job has failed for good (attempts used up or stalled too often). */
  onGaveUp?: (request: DebugRequest, state: JobState, reason: string) => Promise<void>;
}

/**
 * Runs debug jobs from BullMQ, and the inbox pump that moves new requests into BullMQ (see
 * bullmq-job-queue.ts). Holds no request state in memory: everything lives in the job.
 */
export function startDebugWorker(options: DebugWorkerOptions): Worker<DebugJobData, JobResult> {
  const worker = new Worker<DebugJobData, JobResult>(
    options.queueName,
    (job, _token, signal) => runJob(job, options, signal),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: options.stalledIntervalMs,
      maxStalledCount: options.maxStalledCount,
    },
  );
  worker.on('error', (err) => options.logger.error({ err }, 'worker error'));
  startPump(worker, options);
  if (options.cancelChannel) listenForCancels(worker, options);
  worker.on('failed', (job, err) => {
    if (!job || !options.onGaveUp) return;
    const final =
      err instanceof UnrecoverableError ||
      job.attemptsMade >= (job.opts.attempts ?? 1) ||
      /stalled/.test(err.message);
    if (!final) return;
    const parsed = debugJobSchema.safeParse(job.data);
    if (!parsed.success) return;
    options
      .onGaveUp(parsed.data.request as DebugRequest, parsed.data.state, err.message)
      .catch((e: unknown) =>
        options.logger.error({ err: e, jobId: job.id }, 'could not report a failed job'),
      );
  });
  return worker;
}

async function runJob(
  job: Job<DebugJobData, JobResult>,
  options: DebugWorkerOptions,
  signal: AbortSignal | undefined,
): Promise<JobResult> {
  const parsed = debugJobSchema.safeParse(job.data);
  if (!parsed.success)
    throw new UnrecoverableError(`malformed job payload: ${parsed.error.issues[0]?.message}`);
  const data = parsed.data;
  const ctx: JobContext = {
    request: data.request as DebugRequest,
    state: { ...data.state },
    async saveState(patch) {
      Object.assign(ctx.state, patch);
      await job.updateData({ ...data, state: { ...ctx.state } });
    },
    attempt: job.attemptsMade + 1,
    maxAttempts: job.opts.attempts ?? options.attempts,
    ...(signal ? { signal } : {}),
  };
  try {
    return await options.process(ctx);
  } catch (error) {
    if (isDebugError(error) && !error.retryable) throw new UnrecoverableError(error.message);
    throw error;
  }
}

function startPump(worker: Worker<DebugJobData, JobResult>, options: DebugWorkerOptions): void {
  const queue = new Queue<DebugJobData>(options.queueName, {
    connection: options.connection,
    prefix: options.prefix,
    defaultJobOptions: debugJobOptions({
      attempts: options.attempts,
      backoffMs: options.backoffMs ?? 2000,
    }),
  });
  queue.on('error', () => {
    // the pump logs failed moves and retries them
  });
  const connection = options.connection.duplicate();
  connection.on('error', (err) =>
    options.logger.warn({ err: { message: err.message } }, 'inbox pump connection error'),
  );
  const pump = startInboxPump({
    connection,
    queue,
    keys: inboxKeys(options.prefix, options.queueName),
    logger: options.logger,
  });
  const close = worker.close.bind(worker);
  // The pump stops first, so nothing is added to BullMQ once close() has resolved.
  worker.close = async (force?: boolean) => {
    await pump.stop();
    await queue.close();
    return close(force);
  };
}

/** Each worker process subscribes; only the one holding the job has something to abort. */
function listenForCancels(worker: Worker<DebugJobData, JobResult>, options: DebugWorkerOptions): void {
  const subscriber = options.connection.duplicate();
  subscriber.on('error', (err) =>
    options.logger.warn({ err: { message: err.message } }, 'cancel subscriber error'),
  );
  void subscriber.subscribe(options.cancelChannel!);
  subscriber.on('message', (_channel, requestId: string) => {
    if (worker.cancelJob(requestId, 'cancelled')) options.logger.info({ requestId }, 'running job cancelled');
  });
  worker.on('closed', () => subscriber.disconnect());
}
