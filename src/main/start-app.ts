import type { AppConfig } from '../config/load-config.js';
import { createOutputGate } from '../core/create-output-gate.js';
import type { Clock, Logger } from '../core/ports.js';
import { processDebugJob } from '../core/process-debug-job.js';
import { createKubePodDebugger, type KubeSource } from '../kube/create-kube-debugger.js';
import { evaluateRequest } from '../policy/evaluate-request.js';
import { BullJobQueue } from '../queue/bullmq-job-queue.js';
import {
  createProducerConnection,
  createWorkerConnection,
  waitForRedis,
} from '../queue/create-redis-connection.js';
import { RedisAuditLog } from '../queue/redis-audit-log.js';
import { cancelKeys, RedisRequestControl } from '../queue/redis-request-control.js';
import { startDebugWorker } from '../queue/start-debug-worker.js';
import { createSlackNotifier, type SlackRetryConfig } from '../slack/create-slack-notifier.js';
import { buildTranscript } from '../transcript/build-transcript.js';
import { createApprovalFlow } from './create-approval-flow.js';
import { createSlackHandlers } from './handle-debug-command.js';
import { redactRootCommands } from './redact-root-commands.js';

/** Test and embedding hooks: everything else comes from the validated config. */
export interface StartOverrides {
  logger: Logger;
  clock?: Clock;
  /** Explicit cluster connection (tests point this at the fake API server); default: KUBECONFIG/in-cluster. */
  kube?: KubeSource;
  slackRetryConfig?: SlackRetryConfig;
  /** Skip Bolt's auth.test when the ids are known. */
  slackBotId?: string;
  slackBotUserId?: string;
  notifierUpdateIntervalMs?: number;
}

export interface RunningApp {
  /** HTTP port of the Slack front end (HTTP mode, bot role). */
  port?: number;
  stop(): Promise<void>;
}

/** The composition root: builds the adapters for the configured role and starts them. */
export async function startApp(config: AppConfig, overrides: StartOverrides): Promise<RunningApp> {
  const { logger } = overrides;
  const clock = overrides.clock ?? { now: () => new Date() };
  const stops: Array<() => Promise<unknown>> = [];
  const auditKey = `${config.queue.prefix}:audit`;

  const producer = createProducerConnection(config.redisUrl);
  producer.on('error', (err) =>
    logger.warn({ err: { message: err.message } }, 'redis (producer) connection error'),
  );
  stops.push(async () => producer.disconnect());
  if (!(await waitForRedis(producer, 5000)))
    logger.warn(
      { redisUrl: config.redisUrl },
      'redis not reachable yet; requests will be refused until it is',
    );
  const audit = new RedisAuditLog({
    connection: producer,
    key: auditKey,
    maxLength: config.audit.streamMaxLength,
    logger,
    clock,
  });

  const queue = new BullJobQueue({
    connection: producer,
    queueName: config.queue.name,
    prefix: config.queue.prefix,
    attempts: config.worker.attempts,
    backoffMs: config.worker.backoffMs,
    audit,
  });
  stops.unshift(() => queue.close());
  const control = new RedisRequestControl({
    connection: producer,
    queue: queue.queue,
    prefix: config.queue.prefix,
    queueName: config.queue.name,
  });

  const approvals = createApprovalFlow({
    config,
    connection: producer,
    queue,
    audit,
    logger,
    clock,
    ...(overrides.kube ? { kube: overrides.kube } : {}),
    ...(overrides.slackRetryConfig ? { slackRetryConfig: overrides.slackRetryConfig } : {}),
  });

  let port: number | undefined;
  if (config.role !== 'worker') {
    const limits = config.policy.limits;
    const handlers = createSlackHandlers({
      control,
      // The parser's limits follow the policy's (it refuses first, with the clearer message).
      parseLimits: {
        maxCommands: limits.maxCommands,
        maxArgsPerCommand: limits.maxArgsPerCommand,
        maxTextChars: Math.max(4000, limits.maxCommandChars),
      },
      gate: approvals.gate,
      postApprovalCard: approvals.postCard,
      decideApproval: approvals.decide,
      approversOf: approvals.approversOf,
      readAudit: (requestId) => audit.read({ limit: 40, ...(requestId ? { requestId } : {}) }),
      mayReadAudit: (user) => approvals.isApprover(user).catch(() => false),
      queue,
      audit,
      clock,
      logger,
      defaults: config.defaults,
      evaluatePolicy: (request) => evaluateRequest(request, config.policy),
      expandPreset: (name) => config.presets[name],
      presets: Object.entries(config.presets).map(([name, p]) => ({
        name,
        description: p.description,
        commands: p.commands,
      })),
    });
    // Loaded only for the front end: a worker process never pays for Bolt and its HTTP stack.
    const { createSlackApp } = await import('../slack/create-slack-app.js');
    const slack = createSlackApp({
      signingSecret: config.slack.signingSecret,
      botToken: config.slack.botToken,
      ...(config.slack.appToken ? { appToken: config.slack.appToken } : {}),
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      ...(overrides.slackRetryConfig ? { retryConfig: overrides.slackRetryConfig } : {}),
      ...(overrides.slackBotId ? { botId: overrides.slackBotId } : {}),
      ...(overrides.slackBotUserId ? { botUserId: overrides.slackBotUserId } : {}),
      port: config.port,
      logger,
      handlers,
      healthCheck: () => producer.status === 'ready',
    });
    await slack.start();
    stops.unshift(() => slack.stop());
    const sweeper = approvals.startSweeper();
    stops.unshift(() => sweeper.stop());
    port = slack.port;
    logger.info({ port, socketMode: Boolean(config.slack.appToken) }, 'slack front end started');
  }

  if (config.role !== 'bot') {
    const workerConnection = createWorkerConnection(config.redisUrl);
    workerConnection.on('error', (err) =>
      logger.warn({ err: { message: err.message } }, 'redis (worker) connection error'),
    );
    const slackNotifier = createSlackNotifier({
      token: config.slack.botToken,
      ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
      ...(overrides.slackRetryConfig ? { retryConfig: overrides.slackRetryConfig } : {}),
      ...(overrides.notifierUpdateIntervalMs === undefined
        ? {}
        : { updateIntervalMs: overrides.notifierUpdateIntervalMs }),
      logger,
    });
    const notifier = redactRootCommands(slackNotifier);
    const podDebugger = createKubePodDebugger({
      ...(overrides.kube ?? {}),
      requestTimeoutMs: config.debug.kubeRequestTimeoutMs,
      logger,
    });
    // Large outputs (over 64 KiB) are read and turned into transcripts a few at a time: the worker's
    // memory stays flat however many jobs end with large outputs at once; small ones never wait.
    const outputGate = createOutputGate(4);
    const worker = startDebugWorker({
      connection: workerConnection,
      queueName: config.queue.name,
      prefix: config.queue.prefix,
      concurrency: config.worker.concurrency,
      attempts: config.worker.attempts,
      backoffMs: config.worker.backoffMs,
      lockDurationMs: config.worker.lockDurationMs,
      stalledIntervalMs: config.worker.stalledIntervalMs,
      maxStalledCount: config.worker.maxStalledCount,
      cancelChannel: cancelKeys(config.queue.prefix, config.queue.name).channel,
      logger,
      process: (ctx) =>
        processDebugJob(ctx, {
          notifier,
          podDebugger,
          buildTranscript,
          audit,
          logger,
          cluster: config.cluster.name,
          cancelledBy: (id) => control.cancelledBy(id),
          outputGate,
          ...(approvals.authorizeAtRun ? { authorize: approvals.authorizeAtRun } : {}),
          settings: {
            startDeadlineMs: config.debug.startDeadlineSeconds * 1000,
            runDeadlineMs: config.debug.runDeadlineSeconds * 1000,
            outputCapBytes: config.debug.outputCapBytes,
            maxContainersPerPod: config.debug.maxContainersPerPod,
            defaultProfile: config.policy.profiles.default,
          },
        }),
      onGaveUp: async (request, state, reason) => {
        await audit.record({
          event: 'failed',
          requestId: request.id,
          userId: request.requester.userId,
          reason: `gave up: ${reason.slice(0, 200)}`,
        });
        const transcript = await buildTranscript({
          request,
          failure: `The job failed for good after repeated attempts. The debug container may exist in pod ${request.target.namespace}/${request.target.name}.`,
          cluster: config.cluster.name,
        });
        const rootId = state.rootId ?? (await notifier.postRoot(request, { phase: 'failed' }));
        if (!state.transcriptPosted) await notifier.postTranscript(request, rootId, transcript);
        await notifier.updateRoot(request, rootId, { phase: 'failed', detail: transcript.reason });
      },
    });
    await worker.waitUntilReady();
    stops.unshift(async () => {
      await worker.close();
      workerConnection.disconnect();
    });
    logger.info({ concurrency: config.worker.concurrency }, 'worker started');
  }

  return {
    ...(port === undefined ? {} : { port }),
    async stop() {
      for (const stop of stops)
        await stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping'));
    },
  };
}
