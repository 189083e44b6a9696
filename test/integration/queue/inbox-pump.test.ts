import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/core/ports.js';
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.js';
import {
  createProducerConnection,
  createWorkerConnection,
  waitForRedis,
} from '../../../src/queue/create-redis-connection.js';
import { type DebugJobData, debugJobOptions, inboxKeys } from '../../../src/queue/job-contract.js';
import { RedisAuditLog } from '../../../src/queue/redis-audit-log.js';
import { RedisRequestControl } from '../../../src/queue/redis-request-control.js';
import { type InboxPump, startInboxPump } from '../../../src/queue/start-inbox-pump.js';
import { aDebugRequest, aSilentLogger, systemClock } from '../../helpers/builders.js';
import { deletePrefix, inboxPayloads, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';

const QUEUE = 'debug';

describe('inbox pump: accepted requests move from the inbox stream into BullMQ (real Redis)', () => {
  let prefix: string;
  let producer: Redis;
  let front: BullJobQueue;
  let jobs: Queue<DebugJobData>;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    prefix = uniquePrefix();
    producer = createProducerConnection(REDIS_URL);
    expect(await waitForRedis(producer)).toBe(true);
    front = new BullJobQueue({ connection: producer, queueName: QUEUE, prefix, attempts: 2, backoffMs: 10 });
    jobs = new Queue<DebugJobData>(QUEUE, {
      connection: { url: REDIS_URL },
      prefix,
      defaultJobOptions: debugJobOptions({ attempts: 2, backoffMs: 10 }),
    });
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await front.close();
    await jobs.close();
    producer.disconnect();
    await deletePrefix(prefix);
  });

  function pump(
    options: { reclaimIdleMs?: number; logger?: Logger; queue?: Queue<DebugJobData> } = {},
  ): InboxPump {
    const connection = createWorkerConnection(REDIS_URL);
    const started = startInboxPump({
      connection,
      queue: jobs,
      keys: inboxKeys(prefix, QUEUE),
      logger: options.logger ?? aSilentLogger(),
      blockMs: 200,
      ...options,
    });
    cleanups.push(() => started.stop());
    return started;
  }

  async function waitForJobs(ids: string[]): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const found = await Promise.all(ids.map((id) => jobs.getJob(id)));
      if (found.every(Boolean)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`jobs ${ids.join(', ')} never reached BullMQ`);
  }

  it('moves requests accepted before any worker existed, with the job options and request id', async () => {
    await front.enqueue(aDebugRequest({ id: 'rearly1' }));
    await front.enqueue(aDebugRequest({ id: 'rearly2' }));
    pump();
    await waitForJobs(['rearly1', 'rearly2']);
    const job = await jobs.getJob('rearly1');
    expect(job?.opts).toMatchObject({ attempts: 2, backoff: { type: 'exponential', delay: 10 } });
    expect(job?.data).toEqual({ v: 1, request: aDebugRequest({ id: 'rearly1' }), state: {} });
    expect(await inboxPayloads(prefix, QUEUE)).toEqual([]);
  });

  it("writes the JSON-log copy of a moved request's `requested` record (the front end logs none)", async () => {
    type Line = { level: string; meta: object; msg: string };
    const frontLines: Line[] = [];
    const pumpLines: Line[] = [];
    const audit = new RedisAuditLog({
      connection: producer,
      key: `${prefix}:audit`,
      maxLength: 100,
      logger: aSilentLogger(frontLines),
      clock: systemClock,
    });
    const audited = new BullJobQueue({
      connection: producer,
      queueName: QUEUE,
      prefix,
      attempts: 2,
      backoffMs: 10,
      audit,
    });
    cleanups.push(() => audited.close());
    const request = aDebugRequest({ id: 'rlogged' });
    await audited.enqueue(request, { requestId: request.id, userId: 'U1' });
    await front.enqueue(aDebugRequest({ id: 'rplain' })); // no audit record: no line
    pump({ logger: aSilentLogger(pumpLines) });
    await waitForJobs(['rlogged', 'rplain']);
    for (let i = 0; i < 100 && pumpLines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const [record] = await audit.read({ requestId: request.id });
    expect(record).toEqual({ event: 'requested', requestId: 'rlogged', userId: 'U1', at: request.createdAt });
    expect(pumpLines).toEqual([{ level: 'info', meta: { audit: record }, msg: 'audit' }]);
    expect(frontLines).toEqual([]);
  });

  it('takes over what a pump read and never moved (it died), and moves it once', async () => {
    const keys = inboxKeys(prefix, QUEUE);
    await producer.xgroup('CREATE', keys.inbox, keys.group, '0', 'MKSTREAM');
    await front.enqueue(aDebugRequest({ id: 'rorphan' }));
    // A pump that died between reading and moving: the entry is pending for it, never acknowledged.
    await producer.xreadgroup('GROUP', keys.group, 'dead-pump', 'COUNT', 10, 'STREAMS', keys.inbox, '>');
    pump({ reclaimIdleMs: 300 });
    await waitForJobs(['rorphan']);
    expect(await jobs.getJobCounts('waiting')).toEqual({ waiting: 1 });
    expect(await producer.xpending(keys.inbox, keys.group)).toEqual([0, null, null, null]);
  });

  it('drops a malformed entry with a log line and still moves the good ones', async () => {
    const errors: string[] = [];
    const logger = { ...aSilentLogger(), error: (_meta: object, msg: string) => void errors.push(msg) };
    const keys = inboxKeys(prefix, QUEUE);
    await producer.xadd(keys.inbox, '*', 'id', 'rbad', 'data', '{"v":1,"request":{}}');
    await front.enqueue(aDebugRequest({ id: 'rgood' }));
    pump({ logger: logger as Logger });
    await waitForJobs(['rgood']);
    expect(errors).toEqual(['malformed inbox entry dropped']);
    expect(await producer.xlen(keys.inbox)).toBe(0);
  });

  it('two pumps share the inbox: every request becomes exactly one job', async () => {
    pump();
    pump();
    const ids = Array.from({ length: 60 }, (_, i) => `rshare${i}`);
    await Promise.all(ids.map((id) => front.enqueue(aDebugRequest({ id }))));
    await Promise.all(ids.map((id) => front.enqueue(aDebugRequest({ id })))); // redeliveries
    await waitForJobs(ids);
    expect(await jobs.getJobCounts('waiting')).toEqual({ waiting: 60 });
  });

  it('recovers when the inbox stream and its group vanish (Redis flushed or restored) and moves what comes next', async () => {
    pump();
    await front.enqueue(aDebugRequest({ id: 'rbefore' }));
    await waitForJobs(['rbefore']);
    await producer.del(inboxKeys(prefix, QUEUE).inbox);
    await new Promise((r) => setTimeout(r, 300));
    await front.enqueue(aDebugRequest({ id: 'rafter' }));
    await waitForJobs(['rafter']);
  });

  it('keeps the claim while a request waits in the inbox and starts the dedupe window when it moves it', async () => {
    const claim = inboxKeys(prefix, QUEUE).claim('rttl');
    await front.enqueue(aDebugRequest({ id: 'rttl' }));
    expect(await producer.ttl(claim)).toBe(-1);
    pump();
    await waitForJobs(['rttl']);
    await new Promise((r) => setTimeout(r, 50));
    expect(await producer.ttl(claim)).toBeGreaterThan(3500);
  });

  it('parks a request BullMQ keeps refusing in the dead-letter stream; the others move on', async () => {
    const refusing = Object.create(jobs) as Queue<DebugJobData>;
    const poisoned = (id: string | undefined) => id === 'rpoison';
    refusing.addBulk = async (list) => {
      if (list.some((job) => poisoned(job.opts?.jobId))) throw new Error('refused');
      return jobs.addBulk(list);
    };
    refusing.add = async (name, data, opts) => {
      if (poisoned(opts?.jobId)) throw new Error('refused');
      return jobs.add(name, data, opts);
    };
    const errors: string[] = [];
    const logger = { ...aSilentLogger(), error: (_meta: object, msg: string) => void errors.push(msg) };
    await front.enqueue(aDebugRequest({ id: 'rpoison' }));
    await front.enqueue(aDebugRequest({ id: 'rfine' }));
    pump({ queue: refusing, logger: logger as Logger });
    await waitForJobs(['rfine']);
    const keys = inboxKeys(prefix, QUEUE);
    for (let i = 0; i < 100 && (await producer.xlen(keys.dead)) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    const [[, fields]] = (await producer.xrange(keys.dead, '-', '+')) as [[string, string[]]];
    expect(JSON.parse(fields[fields.indexOf('data') + 1]!).request.id).toBe('rpoison');
    expect(errors).toEqual(['request could not be queued; parked in the dead-letter stream']);
    expect(await producer.xlen(keys.inbox)).toBe(0);
    expect(await jobs.getJob('rpoison')).toBeUndefined();
  }, 15_000);

  it('stops promptly while waiting for new entries', async () => {
    const started = pump();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await started.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a request still in the inbox can be found and cancelled before it runs', async () => {
    const control = new RedisRequestControl({
      connection: producer,
      queue: front.queue,
      prefix,
      queueName: QUEUE,
    });
    const request = aDebugRequest({ id: 'rinbox' });
    await front.enqueue(request);
    expect(await control.find('rinbox')).toEqual(request);
    expect(await control.cancel('rinbox', 'U0CANCEL')).toEqual({ status: 'cancelled', wasRunning: false });
    expect(await control.cancelledBy('rinbox')).toBe('U0CANCEL');
    expect(await control.cancel('rnever', 'U0CANCEL')).toEqual({ status: 'not_found' });
  });
});
