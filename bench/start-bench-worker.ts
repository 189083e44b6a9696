import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { loadConfig } from '../src/config/load-config.js';
import type { DebugRequest } from '../src/core/model.js';
import { NODE_FLAGS } from '../src/main/node-flags.js';
import { BullJobQueue } from '../src/queue/bullmq-job-queue.js';
import { createProducerConnection, waitForRedis } from '../src/queue/create-redis-connection.js';
import { deletePrefix, REDIS_URL } from '../test/helpers/redis.js';
import type { ServeWorkerOptions } from './serve-worker.js';
import { siblingScript } from './sibling-script.js';
import { findRedisPid, spawnReady, terminate } from './spawn-children.js';

export { cpuSeconds, memoryOf } from './proc-stats.js';

export interface BenchWorld {
  queue: BullJobQueue;
  prefix: string;
  /** The worker child process (bench/serve-worker.ts): read its CPU and memory with cpuSeconds/memoryOf. */
  workerPid: number;
  /** The fakes child process (fake Kubernetes API and Slack Web API). */
  fakesPid: number;
  /** redis-server's pid when it runs on this machine and is visible in /proc; otherwise undefined. */
  redisPid: number | undefined;
  /** Node flags the worker child was started with (src/main/node-flags.ts or BENCH_WORKER_NODE_OPTIONS). */
  workerNodeFlags: string[];
  /**
   * Enqueues `n` jobs, each on its own pod and channel: the k-th job enqueued in this world (counting
   * preloaded ones) runs on pod web-k, so a world needs `pods` ≥ every job it enqueues.
   */
  enqueue(n: number, commands?: string[][]): Promise<void>;
  /**
   * Resolves once `n` jobs of this world have completed (cumulative, preloaded ones included). Throws
   * if any failed, if the worker child exited, or if nothing finished for `stallMs` (default 60 s).
   */
  waitForCompleted(n: number, stallMs?: number): Promise<void>;
  /** Stops the worker child (gracefully, then SIGKILL), the fakes child and the queue; always safe. */
  stop(): Promise<void>;
}

interface FakesInfo {
  kube: ServeWorkerOptions['kube'];
  slack: { url: string; token: string; botId: string; botUserId: string };
}

/**
 * Three processes besides Redis: this one (producer: enqueue, and the completion polling), the fakes
 * child (bench/serve-fakes.ts) and one real worker child (bench/serve-worker.ts: BullMQ + Slack notifier
 * + kube engine, nothing else). `preload` jobs are queued before the worker starts.
 */
export async function startBenchWorld(
  fakes: Record<string, number>,
  concurrency: number,
  options: { outputCapBytes?: number; preload?: number } = {},
): Promise<BenchWorld> {
  const prefix = `bench-${randomUUID()}`;
  const cleanups: Array<() => Promise<unknown>> = [async () => deletePrefix(prefix)];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse())
      await cleanup().catch((error: unknown) => process.stderr.write(`bench: cleanup failed: ${error}\n`));
  };
  try {
    const fakesChild = await spawnReady(
      'fakes',
      [...siblingScript('serve-fakes'), JSON.stringify(fakes)],
      (l) => l.startsWith('{'),
    );
    const fakesExited = once(fakesChild.child, 'exit').catch(() => undefined);
    cleanups.push(() => terminate(fakesChild.child, fakesExited, 5000));
    const info = JSON.parse(fakesChild.line) as FakesInfo;

    const producer = createProducerConnection(REDIS_URL);
    cleanups.push(async () => producer.disconnect());
    if (!(await waitForRedis(producer))) throw new Error(`Redis at ${REDIS_URL} is not reachable`);
    // The worker child reads the same file; only the queue name matters here.
    const queueName = loadConfig({
      role: 'worker',
      env: { SLACK_BOT_TOKEN: 'xoxb-bench', CONFIG_FILE: 'config/default.yaml' },
    }).queue.name;
    const queue = new BullJobQueue({
      connection: producer,
      queueName,
      prefix,
      attempts: 1,
      backoffMs: 0,
    });
    cleanups.push(() => queue.close());
    const redisPid = await findRedisPid(producer);

    let enqueued = 0;
    const enqueue = async (n: number, commands: string[][] = [['echo', 'ok']]) => {
      const first = enqueued;
      enqueued += n;
      await Promise.all(
        Array.from({ length: n }, (_, i) => queue.enqueue(aBenchRequest(first + i, commands))),
      );
    };
    if (options.preload) await enqueue(options.preload);

    const workerOptions: ServeWorkerOptions = {
      prefix,
      concurrency,
      redisUrl: REDIS_URL,
      slack: { url: info.slack.url, token: info.slack.token },
      kube: info.kube,
      ...(options.outputCapBytes ? { outputCapBytes: options.outputCapBytes } : {}),
      ...(process.env.BENCH_WORKER_LOG_LEVEL ? { logLevel: process.env.BENCH_WORKER_LOG_LEVEL } : {}),
    };
    // As shipped (npm start, the Docker image) unless BENCH_WORKER_NODE_OPTIONS says otherwise ('' = Node's defaults).
    const override = process.env.BENCH_WORKER_NODE_OPTIONS;
    const workerNodeFlags = override === undefined ? [...NODE_FLAGS] : override.split(/\s+/).filter(Boolean);
    const workerChild = await spawnReady(
      'worker',
      [...workerNodeFlags, ...siblingScript('serve-worker'), JSON.stringify(workerOptions)],
      (line) => line.startsWith('{"ready"') && (JSON.parse(line) as { ready?: boolean }).ready === true,
    );
    const worker = workerChild.child;
    const workerExited = once(worker, 'exit').catch(() => undefined);
    // The worker stops first (gracefully: it finishes its jobs, which need the fakes and Redis).
    cleanups.push(() => terminate(worker, workerExited, 20_000));

    return {
      queue,
      prefix,
      workerPid: worker.pid!,
      fakesPid: fakesChild.child.pid!,
      redisPid,
      workerNodeFlags,
      enqueue,
      async waitForCompleted(n, stallMs = 60_000) {
        let last = -1;
        let lastChange = performance.now();
        for (;;) {
          if (worker.exitCode !== null || worker.signalCode !== null)
            throw new Error(
              `the worker child exited while jobs were pending (code ${worker.exitCode}, signal ${worker.signalCode})`,
            );
          const counts = await queue.queue.getJobCounts('completed', 'failed');
          const done = (counts.completed ?? 0) + (counts.failed ?? 0);
          if (done >= n) {
            if (counts.failed) {
              const failed = await queue.queue.getFailed(0, 2);
              throw new Error(
                `${counts.failed} jobs failed, e.g. ${failed.map((j) => j.failedReason).join('; ')}`,
              );
            }
            return;
          }
          if (done !== last) {
            last = done;
            lastChange = performance.now();
          } else if (performance.now() - lastChange > stallMs) {
            const all = await queue.queue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed');
            const inbox = await producer.xlen(`${prefix}:${queueName}:inbox`).catch(() => 'none');
            throw new Error(
              `no job finished for ${stallMs / 1000} s (${done}/${n} done; BullMQ ${JSON.stringify(all)}; inbox stream length ${inbox})`,
            );
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

function aBenchRequest(i: number, commands: string[][]): DebugRequest {
  return {
    id: `rbench${i}`,
    requester: { userId: 'U0BENCH', teamId: 'T0BENCH' },
    channelId: `C0BENCH${i.toString(36).toUpperCase()}`,
    target: { namespace: 'bench', kind: 'pod', name: `web-${i}` },
    image: 'busybox:1.36',
    profile: 'general',
    commands,
    createdAt: new Date().toISOString(),
  };
}
