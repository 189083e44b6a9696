/**
 * Small helpers shared by the end-to-end tests: reading the fake Slack's threads, the BullMQ queue and
 * the audit stream in Redis, signed clicks and mentions, and extra worker processes on a system's prefix.
 */
import { randomUUID } from 'node:crypto';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../src/config/load-config.js';
import type { RunningApp } from '../../src/main/start-app.js';
import { startApp } from '../../src/main/start-app.js';
import type { FakeMessage } from '../fakes/slack-api/index.js';
import { aSilentLogger } from '../helpers/builders.js';
import { inboxPayloads, REDIS_URL } from '../helpers/redis.js';
import {
  appMentionBody,
  cancelClickBody,
  type PostResult,
  postSigned,
  signedEventDelivery,
} from '../helpers/sign-slack-request.js';
import { eventually, SIGNING_SECRET, type System } from './start-system.js';

export const CHANNEL = 'C0CHANNEL';
export const REQUESTER = 'U0REQUESTER';

/** A fresh Slack `trigger_id`: every distinct invocation gets its own (the request id derives from it). */
export function newTriggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e10)}.${randomUUID().replace(/-/g, '')}`;
}

/** Sends `/debug text` as a new invocation (its own trigger_id). */
export function command(system: System, text: string, fields: Record<string, string> = {}) {
  return system.command(text, { trigger_id: newTriggerId(), ...fields });
}

/** The JSON ack of a slash command. */
export function ackOf(result: PostResult): { text: string; response_type?: string; blocks?: unknown[] } {
  return JSON.parse(result.text) as { text: string; response_type?: string; blocks?: unknown[] };
}

/** The request id from a "Queued as `r…`" / "Already queued as `r…`" ack. */
export function requestIdOf(result: PostResult): string {
  const match = /[Qq]ueued as `(r[a-z0-9]+)`/.exec(ackOf(result).text);
  if (!match) throw new Error(`no request id in ack: ${result.text}`);
  return match[1]!;
}

export function textOf(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return message ? `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}` : '';
}

/** Root messages the worker posted at top level in the channel. */
export function rootMessages(system: System, channel = CHANNEL): FakeMessage[] {
  return system.slack.messages.filter((m) => m.channel === channel && !m.threadTs);
}

/** The first top-level root, its thread and the text of both, once `done(all)` holds. */
export async function waitForThread(
  system: System,
  done: (all: string) => boolean,
  timeoutMs = 10_000,
  channel = CHANNEL,
) {
  return eventually(() => {
    const root = rootMessages(system, channel)[0];
    if (!root) return undefined;
    const replies = system.slack.threadReplies(channel, root.ts);
    const rootText = textOf(system.slack.finalMessage(channel, root.ts));
    const all = [rootText, ...replies.map(textOf)].join('\n');
    return done(all) ? { root, replies, all, rootText } : undefined;
  }, timeoutMs);
}

/** A short-lived Queue on the system's prefix (closed by `withQueue`). */
export async function withQueue<T>(system: System, use: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(system.config.queue.name, {
    connection: { url: REDIS_URL },
    prefix: system.prefix,
  });
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

/** Distinct requests handed to the workers: BullMQ jobs plus requests still in the inbox stream. */
export function jobCount(system: System): Promise<number> {
  return withQueue(system, async (queue) => {
    const jobs = await queue.getJobs([
      'waiting',
      'active',
      'completed',
      'failed',
      'delayed',
      'prioritized',
      'waiting-children',
    ]);
    const inbox = (await inboxPayloads(system.prefix, system.config.queue.name)) as Array<{
      request: { id: string };
    }>;
    // A request being moved is briefly in both: count it once.
    return new Set([...jobs.map((j) => j.id), ...inbox.map((data) => data.request.id)]).size;
  });
}

export interface JobSnapshot {
  state: string;
  data: unknown;
  returnvalue: unknown;
  attemptsMade: number;
  attemptsStarted: number;
  stalledCounter: number;
  failedReason?: string;
}

export function jobSnapshot(system: System, requestId: string): Promise<JobSnapshot | undefined> {
  return withQueue(system, async (queue) => {
    const job: Job | undefined = await queue.getJob(requestId);
    if (!job) return undefined;
    return {
      state: await job.getState(),
      data: job.data,
      returnvalue: job.returnvalue,
      attemptsMade: job.attemptsMade,
      attemptsStarted: job.attemptsStarted,
      stalledCounter: job.stalledCounter,
      ...(job.failedReason ? { failedReason: job.failedReason } : {}),
    };
  });
}

/** Waits until the job reached one of the given states. */
export function waitForJobState(system: System, requestId: string, states: string[], timeoutMs = 10_000) {
  return eventually(async () => {
    const snapshot = await jobSnapshot(system, requestId);
    return snapshot && states.includes(snapshot.state) ? snapshot : undefined;
  }, timeoutMs);
}

/** The audit stream `${prefix}:audit`, oldest first, each entry as its field map. */
export async function readAudit(system: System): Promise<Array<Record<string, string>>> {
  const redis = new Redis(REDIS_URL);
  try {
    const entries = await redis.xrange(`${system.prefix}:audit`, '-', '+');
    return entries.map(([, fields]) => {
      if (fields[0] === 'r') return JSON.parse(fields[1]!) as Record<string, string>;
      const record: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
      return record;
    });
  } finally {
    redis.disconnect();
  }
}

/** Everything stored under the system's prefix (every key, every type) as one string. */
export async function dumpRedisPrefix(prefix: string): Promise<string> {
  const redis = new Redis(REDIS_URL);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let value: unknown;
        if (type === 'string') value = await redis.get(key);
        else if (type === 'hash') value = await redis.hgetall(key);
        else if (type === 'list') value = await redis.lrange(key, 0, -1);
        else if (type === 'set') value = await redis.smembers(key);
        else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
        else if (type === 'stream') value = await redis.xrange(key, '-', '+');
        parts.push(`${key} ${JSON.stringify(value)}`);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

/** A signed Cancel click (`debug_cancel`, value = request id) on a message, by `userId`. */
export function clickCancel(
  system: System,
  requestId: string,
  options: { userId?: string; messageTs?: string; responseUrlId?: string; threadTs?: string } = {},
): Promise<PostResult> {
  const body = cancelClickBody({
    value: requestId,
    userId: options.userId ?? REQUESTER,
    teamId: system.slack.identity.teamId,
    channelId: CHANNEL,
    ...(options.messageTs ? { messageTs: options.messageTs } : {}),
    ...(options.threadTs ? { threadTs: options.threadTs } : {}),
    responseUrl: system.slack.responseUrl(options.responseUrlId ?? 'click'),
  });
  return postSigned(system.url('/slack/events'), { secret: SIGNING_SECRET, body });
}

/** Ephemeral answers (chat.postEphemeral) the fake Slack received for `userId`, as text. */
export function ephemeralsTo(system: System, userId: string): string[] {
  return system.slack
    .callsTo('chat.postEphemeral')
    .filter((c) => c.args.user === userId)
    .map((c) => `${String(c.args.text ?? '')}\n${JSON.stringify(c.args.blocks ?? [])}`);
}

/** Ephemeral answers to `userId`, from chat.postEphemeral or posts to the click's response_url. */
export function clickAnswers(system: System, userId: string, responseUrlId = 'click'): string[] {
  return [
    ...ephemeralsTo(system, userId),
    ...system.slack.responsePosts(responseUrlId).map((p) => JSON.stringify(p.body)),
  ];
}

/** A signed `event_callback` carrying an `app_mention`; `retryNum` adds Slack's redelivery headers. */
export function mention(
  system: System,
  event: Parameters<typeof appMentionBody>[0],
  envelope: Parameters<typeof appMentionBody>[1],
  retryNum?: number,
): Promise<PostResult> {
  const body = appMentionBody(event, envelope);
  const options = signedEventDelivery(
    SIGNING_SECRET,
    body,
    retryNum === undefined ? undefined : { num: retryNum },
  );
  return postSigned(system.url('/slack/events'), options);
}

/**
 * Another process role on the same system: a worker (or bot) with the system's config, prefix, fakes and
 * logger. `tweak` changes its copy of the config only.
 */
export async function startRole(
  system: System,
  role: 'worker' | 'bot',
  tweak?: (config: AppConfig) => void,
): Promise<RunningApp> {
  const config: AppConfig = structuredClone({ ...system.config, role });
  tweak?.(config);
  return startApp(config, {
    logger: aSilentLogger(system.logs),
    kube: { kubeConfigOptions: system.kube.kubeConfigOptions() },
    slackRetryConfig: { retries: 0 },
    slackBotId: system.slack.identity.botId,
    slackBotUserId: system.slack.identity.botUserId,
    notifierUpdateIntervalMs: 20,
  });
}

/** Counts PATCHes of the ephemeralcontainers subresource. */
export function patchCount(system: System): number {
  return system.kube.count({ method: 'PATCH', subresource: 'ephemeralcontainers' });
}
