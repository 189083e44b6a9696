import { type AppConfig, loadConfig } from '../../src/config/load-config.js';
import type { Clock } from '../../src/core/ports.js';
import { type RunningApp, startApp } from '../../src/main/start-app.js';
import {
  type FakeKubeApi,
  type FakeKubeApiOptions,
  startFakeKubeApi,
} from '../fakes/kube-apiserver/index.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../fakes/slack-api/index.js';
import { aSilentLogger } from '../helpers/builders.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import {
  type PostResult,
  postSigned,
  type SignOptions,
  slashCommandBody,
} from '../helpers/sign-slack-request.js';

export const SIGNING_SECRET = 'e2e-signing-secret';

export interface System {
  kube: FakeKubeApi;
  slack: FakeSlack;
  app: RunningApp;
  config: AppConfig;
  prefix: string;
  logs: Array<{ level: string; meta: object; msg: string }>;
  /** Sends a signed `/debug` command; `fields` override the slash-command form fields. */
  command(text: string, fields?: Record<string, string>, sign?: Partial<SignOptions>): Promise<PostResult>;
  url(path: string): string;
  stop(): Promise<void>;
}

/**
 * The whole bot on real parts: Bolt's HTTP receiver on a free port, the real Redis under a fresh
 * BullMQ prefix, the fake Kubernetes API server and the fake Slack Web API on loopback.
 */
export async function startSystem(
  options: {
    kube?: FakeKubeApiOptions;
    slack?: FakeSlackOptions;
    tweak?: (config: AppConfig) => void;
    role?: 'all' | 'bot';
    /** Fake time for the whole bot (approval expiry); default the system clock. */
    clock?: Clock;
  } = {},
): Promise<System> {
  const kube = await startFakeKubeApi(options.kube);
  const slack = await startFakeSlack(options.slack);
  const prefix = uniquePrefix();
  const config = loadConfig({
    role: options.role ?? 'all',
    env: {
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      REDIS_URL,
      PORT: '0',
      CONFIG_FILE: 'config/default.yaml',
      LOG_LEVEL: 'silent',
    },
  });
  config.queue.prefix = prefix;
  config.debug.startDeadlineSeconds = 5;
  config.debug.runDeadlineSeconds = 10;
  config.worker.backoffMs = 50;
  options.tweak?.(config);
  const logs: System['logs'] = [];
  const app = await startApp(config, {
    logger: aSilentLogger(logs),
    kube: { kubeConfigOptions: kube.kubeConfigOptions() },
    slackRetryConfig: { retries: 0 },
    slackBotId: slack.identity.botId,
    slackBotUserId: slack.identity.botUserId,
    notifierUpdateIntervalMs: 20,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const url = (path: string) => `http://127.0.0.1:${app.port}${path}`;
  return {
    kube,
    slack,
    app,
    config,
    prefix,
    logs,
    url,
    command(text, fields = {}, sign = {}) {
      const body = slashCommandBody({
        text,
        team_id: slack.identity.teamId,
        response_url: slack.responseUrl('cmd'),
        ...fields,
      });
      return postSigned(url('/slack/events'), { secret: SIGNING_SECRET, body, ...sign });
    },
    async stop() {
      await app.stop();
      await kube.close();
      await slack.close();
      await deletePrefix(prefix);
    },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
