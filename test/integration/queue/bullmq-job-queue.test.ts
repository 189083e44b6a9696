import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import type { JobContext, JobResult } from '../../../src/core/process-debug-job.js';
import { BullJobQueue } from '../../../src/queue/bullmq-job-queue.js';
import {
  createProducerConnection,
  createWorkerConnection,
  waitForRedis,
} from '../../../src/queue/create-redis-connection.js';
import { inboxAuditRecord } from '../../../src/queue/job-contract.js';
import { RedisAuditLog } from '../../../src/queue/redis-audit-log.js';
import { startDebugWorker } from '../../../src/queue/start-debug-worker.js';
import { aDebugRequest, aSilentLogger, systemClock } from '../../helpers/builders.js';
import { deletePrefix, inboxPayloads, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';

describe('BullMQ queue and worker on the real Redis', () => {
  let prefix: string;
  let producer: Redis;
  let workerConnection: Redis;
  const closers: Array<() => Promise<unknown>> = [];

  beforeEach(async () => {
    prefix = uniquePrefix();
    producer = createProducerConnection(REDIS_URL);
    workerConnection = createWorkerConnection(REDIS_URL);
    expect(await waitForRedis(producer)).toBe(true);
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deletePrefix(prefix);
    producer.disconnect();
    workerConnection.disconnect();
  });

  function makeQueue(attempts = 3, audit?: RedisAuditLog) {
    const queue = new BullJobQueue({
      connection: producer,
      queueName: 'debug',
      prefix,
      attempts,
      backoffMs: 10,
      ...(audit ? { audit } : {}),
    });
    closers.push(() => queue.close());
    return queue;
  }

  function makeAuditLog(logged: Array<{ level: string; meta: object; msg: string }> = []) {
    return new RedisAuditLog({
      connection: producer,
      key: `${prefix}:audit`,
      maxLength: 100,
      logger: aSilentLogger(logged),
      clock: systemClock,
    });
  }

  function makeWorker(process: (ctx: JobContext) => Promise<JobResult>, gaveUp: string[] = []) {
    const worker = startDebugWorker({
      connection: workerConnection,
      queueName: 'debug',
      prefix,
      concurrency: 5,
      attempts: 3,
      lockDurationMs: 5000,
      stalledIntervalMs: 5000,
      maxStalledCount: 1,
      logger: aSilentLogger(),
      process,
      onGaveUp: async (request, _state, reason) => void gaveUp.push(`${request.id}:${reason}`),
    });
    closers.push(() => worker.close());
    return worker;
  }

  it("writes a new request's `requested` audit record with the job, once, and nothing for a redelivery", async () => {
    const logged: Array<{ level: string; meta: object; msg: string }> = [];
    const audit = makeAuditLog(logged);
    const queue = makeQueue(1, audit);
    const request = aDebugRequest({ id: 'raudited' });
    const draft = { requestId: request.id, userId: 'U1', teamId: 'T1', digest: 'd'.repeat(64) };
    const results = await Promise.all(Array.from({ length: 5 }, () => queue.enqueue(request, draft)));
    expect(results.filter((r) => r.status === 'queued')).toEqual([{ status: 'queued', audited: true }]);
    const records = await audit.read({ requestId: request.id });
    // Stamped with the request's own time.
    expect(records).toEqual([{ ...draft, event: 'requested', at: request.createdAt }]);
    expect(await inboxPayloads(prefix, 'debug')).toHaveLength(1);
    // The record rides in the inbox entry for the pump's log line; the front end logs nothing for it.
    const [entry] = await producer.xrange(`${prefix}:debug:inbox`, '-', '+');
    expect(inboxAuditRecord(entry![1])).toEqual(records[0]);
    expect(logged).toEqual([]);
  });

  it('still queues (and says the record is not written) when Redis refuses the audit write', async () => {
    // A key of the wrong type makes XADD fail inside the script, as an ACL without the audit key would.
    await producer.set(`${prefix}:audit`, 'not a stream');
    const queue = makeQueue(1, makeAuditLog());
    const request = aDebugRequest({ id: 'rauditfails' });
    expect(await queue.enqueue(request, { requestId: request.id })).toEqual({
      status: 'queued',
      audited: false,
    });
    expect(await inboxPayloads(prefix, 'debug')).toHaveLength(1);
    // No record rides along: the caller writes (and logs) it the ordinary way.
    const [entry] = await producer.xrange(`${prefix}:debug:inbox`, '-', '+');
    expect(inboxAuditRecord(entry![1])).toBeUndefined();
    expect(await queue.enqueue(request, { requestId: request.id })).toEqual({ status: 'duplicate' });
  });

  it('enqueues one job per request id, however often it is delivered', async () => {
    const queue = makeQueue();
    const request = aDebugRequest({ id: 'rdupe' });
    const results = await Promise.all(Array.from({ length: 20 }, () => queue.enqueue(request)));
    expect(results.filter((r) => r.status === 'queued')).toHaveLength(1);
    const inbox = await inboxPayloads(prefix, 'debug');
    expect(inbox).toEqual([{ v: 1, request, state: {} }]);
    expect(JSON.stringify(inbox)).not.toMatch(/xox[bp]-/);
    // A worker's inbox pump moves it into BullMQ as one job whose id is the request id; it runs once.
    const runs: string[] = [];
    const done = new Promise<void>((resolve) => {
      makeWorker(async (ctx) => {
        runs.push(ctx.request.id);
        resolve();
        return { status: 'succeeded', containerName: 'dbg-x' };
      });
    });
    await done;
    await queue.enqueue(request);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs).toEqual(['rdupe']);
    expect(await inboxPayloads(prefix, 'debug')).toEqual([]);
    expect((await queue.queue.getJob('rdupe'))?.data.request.commands).toEqual([['ps', 'auxww']]);
  });

  it('keeps job state across a retry and stops retrying non-retryable errors', async () => {
    const queue = makeQueue();
    const seen: Array<{ attempt: number; rootId?: string }> = [];
    const done = new Promise<void>((resolve) => {
      makeWorker(async (ctx) => {
        seen.push({ attempt: ctx.attempt, rootId: ctx.state.rootId });
        if (ctx.attempt === 1) {
          await ctx.saveState({ rootId: '1700000000.000100' });
          throw new DebugError('api_unavailable', 'API down', { retryable: true });
        }
        resolve();
        return { status: 'succeeded', containerName: 'dbg-x' };
      });
    });
    await queue.enqueue(aDebugRequest({ id: 'rretry' }));
    await done;
    expect(seen).toEqual([
      { attempt: 1, rootId: undefined },
      { attempt: 2, rootId: '1700000000.000100' },
    ]);
  });

  it('fails a non-retryable error at once and reports it', async () => {
    const queue = makeQueue();
    const gaveUp: string[] = [];
    let calls = 0;
    const worker = makeWorker(async () => {
      calls++;
      throw new DebugError('pod_not_found', 'gone');
    }, gaveUp);
    const failed = new Promise((resolve) => worker.on('failed', resolve));
    await queue.enqueue(aDebugRequest({ id: 'rfatal' }));
    await failed;
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    expect(gaveUp).toEqual([expect.stringMatching(/^rfatal:pod_not_found/)]);
  });

  it('says the queue is unavailable instead of hanging when Redis is unreachable', async () => {
    const dead = createProducerConnection('redis://127.0.0.1:1', { retryStrategy: () => null });
    dead.on('error', () => undefined);
    const queue = new BullJobQueue({
      connection: dead,
      queueName: 'debug',
      prefix,
      attempts: 1,
      backoffMs: 0,
      timeoutMs: 1500,
    });
    const started = Date.now();
    await expect(queue.enqueue(aDebugRequest())).rejects.toMatchObject({ code: 'queue_unavailable' });
    expect(Date.now() - started).toBeLessThan(2500);
    await queue.close().catch(() => undefined);
    dead.disconnect();
  });

  it('writes a capped audit stream and reads it back by request id', async () => {
    const audit = makeAuditLog();
    await audit.record({ event: 'requested', requestId: 'ra', userId: 'U1' });
    await audit.record({ event: 'requested', requestId: 'rb', userId: 'U2' });
    await audit.record({ event: 'finished', requestId: 'ra', userId: 'U1' });
    const records = await audit.read({ requestId: 'ra' });
    expect(records.map((r) => r.event)).toEqual(['finished', 'requested']);
  });
});
