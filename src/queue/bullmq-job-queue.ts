import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DebugError } from '../core/errors.js';
import type { DebugRequest } from '../core/model.js';
import type { AuditRecord, EnqueueResult, JobQueue } from '../core/ports.js';
import { type DebugJobData, debugJobOptions, inboxKeys } from './job-contract.js';
import type { RedisAuditLog } from './redis-audit-log.js';

export interface BullJobQueueOptions {
  connection: Redis;
  queueName: string;
  prefix: string;
  attempts: number;
  backoffMs: number;
  /** Upper bound for one enqueue, so a stuck Redis never stalls the ack. */
  timeoutMs?: number;
  /** The audit stream a new request's `requested` record goes to, in the hand-off's own script. */
  audit?: RedisAuditLog;
}

/**
 * Claim, inbox entry and audit record in one script: a request id is claimed once (`SET NX`, value =
 * the job payload, so a cancel can find a request not yet in BullMQ) and only a new claim writes the
 * entry (1) and, when ARGV[3] is not empty, its `requested` audit record. The audit write is a
 * `pcall`: Redis keeps a script's earlier writes when a later command fails, so a refused audit write
 * (an ACL, a wrong key type) must not turn a queued request into an error; it answers 2 and the
 * caller writes the record the ordinary way. The claim has no expiry while the request waits in the
 * inbox; the pump sets it when moving it.
 */
const ENQUEUE_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  return 0
end
redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'data', ARGV[1])
if ARGV[3] == '' then
  return 2
end
local written = redis.pcall('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'r', ARGV[3])
if type(written) == 'table' and written.err then
  return 2
end
return 1`;
const ENQUEUE_COMMAND = 'k8sDebugBotEnqueue';

type EnqueueCommand = (
  claim: string,
  inbox: string,
  auditStream: string,
  data: string,
  id: string,
  auditEntry: string,
  auditMaxLength: string,
) => Promise<number>;

/**
 * The front end's durable hand-off to the workers. `enqueue` is one Redis script (one round trip and
 * one write per chat ack, no BullMQ bookkeeping before it): the request id is claimed, the job payload
 * lands in the inbox stream and the `requested` audit record in the audit stream; each worker's inbox
 * pump (start-inbox-pump.ts) adds the job to BullMQ with the request id as job id. A duplicate delivery
 * finds the claim and writes nothing. `queue` is the BullMQ queue itself (job lookups for cancel and audit).
 */
export class BullJobQueue implements JobQueue {
  readonly queue: Queue<DebugJobData>;
  readonly #keys: ReturnType<typeof inboxKeys>;
  readonly #enqueue: EnqueueCommand;
  readonly #auditStream: { key: string; maxLength: string };

  constructor(private readonly options: BullJobQueueOptions) {
    this.queue = new Queue<DebugJobData>(options.queueName, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: debugJobOptions(options),
    });
    this.queue.on('error', () => {
      // connection errors surface through enqueue(); the listener keeps them from being unhandled
    });
    this.#keys = inboxKeys(options.prefix, options.queueName);
    const stream = options.audit?.stream;
    // Without an audit stream the third key is never written (ARGV[3] is empty); an unused key stands
    // in for it, so no real stream could ever be trimmed by mistake.
    this.#auditStream = stream
      ? { key: stream.key, maxLength: String(stream.maxLength) }
      : { key: `${this.#keys.inbox}:no-audit`, maxLength: '0' };
    // ioredis sends EVALSHA and falls back to EVAL when the server lost the script.
    options.connection.defineCommand(ENQUEUE_COMMAND, { numberOfKeys: 3, lua: ENQUEUE_SCRIPT });
    const command = (options.connection as unknown as Record<string, EnqueueCommand>)[ENQUEUE_COMMAND]!;
    this.#enqueue = command.bind(options.connection);
  }

  async enqueue(request: DebugRequest, audit?: Omit<AuditRecord, 'at' | 'event'>): Promise<EnqueueResult> {
    const log = this.options.audit;
    const stamped = audit && log ? log.stamp({ ...audit, event: 'requested' }) : undefined;
    return withTimeout(this.options.timeoutMs ?? 2000, async () => {
      const data: DebugJobData = { v: 1, request, state: {} };
      const created = await this.#enqueue(
        this.#keys.claim(request.id),
        this.#keys.inbox,
        this.#auditStream.key,
        JSON.stringify(data),
        request.id,
        stamped?.entry ?? '',
        this.#auditStream.maxLength,
      );
      if (created === 0) return { status: 'duplicate' } as const;
      if (created === 2 || !stamped) return { status: 'queued', audited: false } as const;
      log!.written(stamped.record);
      return { status: 'queued', audited: true } as const;
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
