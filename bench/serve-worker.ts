/**
 * One real worker process for the worker benchmarks: the same config loading and composition root as
 * `k8s-debug-bot worker`, and nothing else (no bench harness, fakes or producer in this process), so
 * its CPU and RSS are the worker's own. Argument: JSON
 * `{ prefix, concurrency, outputCapBytes?, redisUrl?, logLevel?, slack: { url, token }, kube }`.
 * Prints `{"ready":true}` once the worker takes jobs; stops the app and exits on SIGTERM, SIGINT or
 * when stdin closes (the bench process went away).
 */
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/main/create-logger.js';
import { type StartOverrides, startApp } from '../src/main/start-app.js';

export interface ServeWorkerOptions {
  prefix: string;
  concurrency: number;
  outputCapBytes?: number;
  redisUrl?: string;
  /** Worker log level (logs go to stdout); default silent. */
  logLevel?: string;
  slack: { url: string; token: string };
  kube: NonNullable<NonNullable<StartOverrides['kube']>['kubeConfigOptions']>;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ServeWorkerOptions;
const config = loadConfig({
  role: 'worker',
  env: {
    SLACK_BOT_TOKEN: options.slack.token,
    SLACK_API_URL: options.slack.url,
    REDIS_URL: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    CONFIG_FILE: 'config/default.yaml',
  },
});
config.queue.prefix = options.prefix;
config.worker.concurrency = options.concurrency;
if (options.outputCapBytes) config.debug.outputCapBytes = options.outputCapBytes;

const app = await startApp(config, {
  logger: createLogger(options.logLevel ?? 'silent'),
  kube: { kubeConfigOptions: options.kube },
  slackRetryConfig: { retries: 0 },
});

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.stop();
  process.exit(0);
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
process.stdin.once('end', shutdown).resume();
console.log(JSON.stringify({ ready: true }));
