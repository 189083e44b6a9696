import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { loadConfig } from '../src/config/load-config.js';
import type { DebugRequest } from '../src/core/model.js';
import { createLogger } from '../src/main/create-logger.js';
import { type RunningApp, startApp } from '../src/main/start-app.js';
import { BullJobQueue } from '../src/queue/bullmq-job-queue.js';
import { createProducerConnection, waitForRedis } from '../src/queue/create-redis-connection.js';
import { deletePrefix, REDIS_URL } from '../test/helpers/redis.js';
import { siblingScript } from './sibling-script.js';

export interface BenchWorld {
  app: RunningApp;
  queue: BullJobQueue;
  prefix: string;
  /** Enqueues `n` jobs, job i on pod web-i in its own channel. */
  enqueue(n: number, commands?: string[][]): Promise<void>;
  waitForCompleted(n: number): Promise<void>;
  stop(): Promise<void>;
}

interface FakesInfo {
  kube: never;
  slack: { url: string; token: string; botId: string; botUserId: string };
}

async function startFakes(fakes: Record<string, number>): Promise<{ child: ChildProcess; info: FakesInfo }> {
  const child = spawn(process.execPath, [...siblingScript('serve-fakes'), JSON.stringify(fakes)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('{')) return { child, info: JSON.parse(line) as FakesInfo };
  }
  throw new Error('fakes did not start');
}

/**
 * Fakes in a child process, one real worker (BullMQ + Slack notifier + kube engine) in this one.
 * `preload` jobs are queued before the worker starts, so a measurement sees only the worker's work.
 */
export async function startBenchWorld(
  fakes: Record<string, number>,
  concurrency: number,
  options: { outputCapBytes?: number; preload?: number } = {},
): Promise<BenchWorld> {
  const { child, info } = await startFakes(fakes);
  const prefix = `bench-${randomUUID()}`;
  const config = loadConfig({
    role: 'worker',
    env: {
      SLACK_BOT_TOKEN: info.slack.token,
      SLACK_API_URL: info.slack.url,
      REDIS_URL,
      CONFIG_FILE: 'config/default.yaml',
    },
  });
  config.queue.prefix = prefix;
  config.worker.concurrency = concurrency;
  if (options.outputCapBytes) config.debug.outputCapBytes = options.outputCapBytes;
  const producer = createProducerConnection(REDIS_URL);
  await waitForRedis(producer);
  const queue = new BullJobQueue({
    connection: producer,
    queueName: config.queue.name,
    prefix,
    attempts: 1,
    backoffMs: 0,
  });
  const enqueue = async (n: number, commands: string[][] = [['echo', 'ok']]) => {
    await Promise.all(Array.from({ length: n }, (_, i) => queue.enqueue(aBenchRequest(i, commands))));
  };
  if (options.preload) await enqueue(options.preload);
  const app = await startApp(config, {
    logger: createLogger('silent'),
    kube: { kubeConfigOptions: info.kube },
    slackRetryConfig: { retries: 0 },
  });
  return {
    app,
    queue,
    prefix,
    enqueue,
    async waitForCompleted(n) {
      for (;;) {
        const counts = await queue.queue.getJobCounts('completed', 'failed');
        if ((counts.completed ?? 0) + (counts.failed ?? 0) >= n) {
          if (counts.failed) {
            const failed = await queue.queue.getFailed(0, 2);
            throw new Error(
              `${counts.failed} jobs failed, e.g. ${failed.map((j) => j.failedReason).join('; ')}`,
            );
          }
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      await app.stop();
      await queue.close();
      producer.disconnect();
      child.kill('SIGTERM');
      await deletePrefix(prefix);
    },
  };
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
