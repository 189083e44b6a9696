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
 * Claim, audit record and inbox entry in one script: a request id is claimed once (`SET NX`, value =
 * the job payload, so a cancel can find a request not yet in BullMQ) and only a new claim writes the
 * rest. When ARGV[3] is not empty it is the `requested` audit record: it goes to the audit stream and,
 * when that write succeeded, rides along in the inbox entry (field `audit`) so the worker's pump puts
 * its JSON-log copy out when it takes the request (1). The audit write is a `pcall`: Redis keeps a
 * script's earlier writes when a later command fails, so a refused audit write (an ACL, a wrong key
 * type) must not turn a queued request into an error; the entry is written without it and the answer
 * is 2 (the caller writes the record the ordinary way). Should the inbox write itself fail (a
 * misconfigured ACL or key type), the stream holds `requested` and the caller then records
 * `queue_unavailable`. The claim has no expiry while the request waits in the inbox; the pump sets it
 * when moving it.
 */
const ENQUEUE_SCRIPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  return 0
end
if ARGV[3] ~= '' then
  local written = redis.pcall('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'r', ARGV[3])
  if not (type(written) == 'table' and written.err) then
    redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'data', ARGV[1], 'audit', ARGV[3])
    return 1
  end
end
redis.call('XADD', KEYS[2], '*', 'id', ARGV[2], 'data', ARGV[1])
return 2`;
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
 * pump (start-inbox-pump.ts) adds the job to BullMQ with the request id as job id and writes the
 * record's JSON-log copy: the front end writes no log line for an accepted request (the line was ~15%
 * of its handler's CPU, README Benchmarks). A duplicate delivery finds the claim and writes nothing. `queue`
 * is the BullMQ queue itself (job lookups for cancel and audit).
 */
export class BullJobQueue implements JobQueue {
  readonly queue: Queue<DebugJobData>;
  readonly #queueConnection: Redis;
  readonly #keys: ReturnType<typeof inboxKeys>;
  readonly #enqueue: EnqueueCommand;
  readonly #auditStream: { key: string; maxLength: string };

  constructor(private readonly options: BullJobQueueOptions) {
    // BullMQ loads its ~60 Lua scripts onto the connection it is given, and ioredis copies every script
    // defined on a connection onto each auto-pipeline batch it builds (~70 µs a batch with BullMQ's, ~4
    // with one). The queue object (job lookups for cancel and audit) gets a connection of its own, so
    // the ack's hand-off batches stay lean.
    this.#queueConnection = options.connection.duplicate();
    this.queue = new Queue<DebugJobData>(options.queueName, {
      connection: this.#queueConnection,
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
    // The `requested` record is stamped with the request's own time (one clock reading per ack).
    const auditEntry =
      audit && log ? log.stamp({ event: 'requested', ...audit }, request.createdAt).entry : '';
    const data: DebugJobData = { v: 1, request, state: {} };
    const written = this.#enqueue(
      this.#keys.claim(request.id),
      this.#keys.inbox,
      this.#auditStream.key,
      JSON.stringify(data),
      request.id,
      auditEntry,
      this.#auditStream.maxLength,
    );
    const created = await withTimeout(this.options.timeoutMs ?? 2000, written);
    if (created === 0) return { status: 'duplicate' };
    return { status: 'queued', audited: created === 1 };
  }

  async close(): Promise<void> {
    try {
      await this.queue.close();
    } finally {
      // BullMQ leaves a connection it was handed open.
      this.#queueConnection.disconnect();
    }
  }
}

/** The script's answer, or a queue_unavailable DebugError when Redis refuses or is silent for `ms`. */
function withTimeout<T>(ms: number, work: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new DebugError(
            'queue_unavailable',
            'The job queue (Redis) did not answer in time, so it is not known whether the request was queued. Watch this channel for its message before trying again.',
            { retryable: true, cause: new Error(`enqueue timed out after ${ms} ms`) },
          ),
        ),
      ms,
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(
          new DebugError(
            'queue_unavailable',
            'The job queue (Redis) is unavailable right now, so nothing was run. Please try again in a minute.',
            { retryable: true, cause: error },
          ),
        );
      },
    );
  });
}
