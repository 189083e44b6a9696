/**
 * Helpers for the approval end-to-end tests (TEST-MATRIX rows 5 and 17–26): a production policy, a
 * second bot instance on the same Redis prefix, signed clicks on the approval card, and readers for
 * what the fakes and Redis saw (ephemeral answers, BullMQ job counts, the audit stream, approval records).
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../../src/config/load-config.js';
import type { Clock } from '../../../src/core/ports.js';
import { type RunningApp, startApp } from '../../../src/main/start-app.js';
import { aPod, type FakeKubeApiOptions } from '../../fakes/kube-apiserver/index.js';
import type { FakeMessage, FakeSlackOptions } from '../../fakes/slack-api/index.js';
import { approvalClickPayload } from '../../fixtures/slack/payloads.js';
import { aSilentLogger } from '../../helpers/builders.js';
import { inboxPayloads, REDIS_URL } from '../../helpers/redis.js';
import { type PostResult, postSigned } from '../../helpers/sign-slack-request.js';
import { ackOf, newTriggerId, textOf } from '../e2e-helpers.js';
import { eventually, SIGNING_SECRET, type System, startSystem } from '../start-system.js';

export { ackOf, jobCount, newTriggerId, patchCount, textOf } from '../e2e-helpers.js';

export const CHANNEL = 'C0CHANNEL';
export const TEAM = 'T0FAKE';
export const OTHER_TEAM = 'T0OTHERORG';
export const REQUESTER = 'U0REQUESTER';
export const APPROVER1 = 'U0APPROVER1';
export const APPROVER2 = 'U0APPROVER2';
export const STRANGER = 'U0STRANGER';
export const PROD_NS = 'shop-prod';
export const POD = 'checkout-7d9f';

/** Workspace members as the fake Slack knows them (names only matter for "same display name" clicks). */
export const USERS: NonNullable<FakeSlackOptions['users']> = [
  { id: REQUESTER, name: 'alice', email: 'alice@example.com' },
  { id: APPROVER1, name: 'bob', email: 'bob@example.com' },
  { id: APPROVER2, name: 'carol', email: 'carol@example.com' },
  { id: STRANGER, name: 'mallory', email: 'mallory@example.com' },
];

/** A clock the test moves by hand: `clock.current = new Date(…)`. */
export interface MutableClock extends Clock {
  current: Date;
}

export function aMutableClock(start = new Date()): MutableClock {
  const clock: MutableClock = { current: start, now: () => clock.current };
  return clock;
}

/** `shop-prod` is production; approvers U0APPROVER1 and U0APPROVER2, one approval needed, 15 minutes. */
export function productionPolicy(config: AppConfig): void {
  config.policy.production.namespaces = [PROD_NS];
  config.policy.approvals.approvers = { users: [APPROVER1, APPROVER2], groups: [] };
  config.policy.approvals.required = 1;
  config.policy.approvals.expiresInMinutes = 15;
}

/** Per-user authorization on: U0REQUESTER is `alice@example.com` to the cluster. */
export function subjectAccessReviewOn(config: AppConfig): void {
  config.policy.authorization = {
    subjectAccessReview: true,
    users: { [REQUESTER]: 'alice@example.com' },
    useEmail: false,
    groups: [],
  };
}

export interface ApprovalSystemOptions {
  role?: 'all' | 'bot';
  clock?: Clock;
  /** Fake SubjectAccessReview decision (only consulted when authorization is on). */
  subjectAccessReview?: FakeKubeApiOptions['subjectAccessReview'];
  /** Applied after {@link productionPolicy}. */
  tweak?: (config: AppConfig) => void;
  /** User groups the fake Slack knows (id → member ids). */
  usergroups?: Record<string, string[]>;
}

/** The whole bot with a production policy, and pod `checkout-7d9f` in namespaces `shop-prod` and `shop`. */
export async function startApprovalSystem(options: ApprovalSystemOptions = {}): Promise<System> {
  const system = await startSystem({
    role: options.role ?? 'all',
    ...(options.clock ? { clock: options.clock } : {}),
    kube: options.subjectAccessReview ? { subjectAccessReview: options.subjectAccessReview } : {},
    slack: { users: USERS, ...(options.usergroups ? { usergroups: options.usergroups } : {}) },
    tweak: (config) => {
      productionPolicy(config);
      options.tweak?.(config);
    },
  });
  for (const ns of [PROD_NS, 'shop']) {
    system.kube.addNamespace(ns);
    system.kube.addPod(aPod(POD, ns));
  }
  return system;
}

/** Another replica of the bot (front end only) on the same Redis prefix, fake Slack and fake Kubernetes. */
export interface SecondInstance {
  app: RunningApp;
  url(path: string): string;
  stop(): Promise<void>;
}

export async function startSecondInstance(system: System, clock?: Clock): Promise<SecondInstance> {
  const config: AppConfig = { ...structuredClone(system.config), role: 'bot', port: 0 };
  const app = await startApp(config, {
    logger: aSilentLogger(system.logs),
    kube: { kubeConfigOptions: system.kube.kubeConfigOptions() },
    slackRetryConfig: { retries: 0 },
    slackBotId: system.slack.identity.botId,
    slackBotUserId: system.slack.identity.botUserId,
    notifierUpdateIntervalMs: 20,
    ...(clock ? { clock } : {}),
  });
  return {
    app,
    url: (path) => `http://127.0.0.1:${app.port}${path}`,
    stop: () => app.stop(),
  };
}

/** Anything that serves `/slack/events`: the system itself or a second instance. */
export type Endpoint = Pick<System, 'url'> | SecondInstance;

/** The request id named in a `/debug` ack ("Request `r…` needs approval", "Queued as `r…`"). */
export function requestIdOf(result: PostResult): string {
  const match = /`(r[a-z0-9]{11})`/.exec(ackOf(result).text);
  if (!match) throw new Error(`no request id in ack: ${result.text}`);
  return match[1]!;
}

/** Sends `/debug text` from U0REQUESTER as a new invocation (its own trigger_id). */
export function requestDebug(
  system: System,
  text: string,
  fields: Record<string, string> = {},
): Promise<PostResult> {
  return system.command(text, { trigger_id: newTriggerId(), user_id: REQUESTER, ...fields });
}

/** The actions block of a card as posted (or as last updated), if it still has one. */
export function actionsBlockOf(
  blocks: unknown[] | undefined,
): { block_id: string; elements: unknown[] } | undefined {
  return (blocks ?? []).find(
    (b): b is { block_id: string; elements: unknown[] } =>
      typeof b === 'object' && b !== null && (b as { type?: string }).type === 'actions',
  );
}

/** Approval cards in the channel: top-level messages whose buttons (or text) carry the approval id. */
export function cardMessages(system: System, approvalId?: string): FakeMessage[] {
  return system.slack.messages.filter(
    (m) =>
      m.channel === CHANNEL &&
      !m.threadTs &&
      JSON.stringify(m.blocks ?? []).includes('production debug request') &&
      (approvalId === undefined || JSON.stringify(m.blocks ?? []).includes(approvalId)),
  );
}

/** The approval card for a request as first posted: its `ts`, the actions block id and the digest it carries. */
export function cardOf(system: System, approvalId: string) {
  const cards = cardMessages(system, approvalId);
  if (cards.length !== 1) throw new Error(`expected one card for ${approvalId}, found ${cards.length}`);
  const card = cards[0]!;
  const actions = actionsBlockOf(card.blocks);
  if (!actions) throw new Error(`card for ${approvalId} has no buttons`);
  return {
    message: card,
    ts: card.ts,
    blockId: actions.block_id,
    digest: actions.block_id.replace(/^debug_approval:/, ''),
    elements: actions.elements as Array<{ action_id: string; value: string }>,
    /** What a click on this card carries besides decision and clicker. */
    target: { approvalId, messageTs: card.ts, blockId: actions.block_id },
    /** The card's text and blocks after every update. */
    current: () => system.slack.finalMessage(CHANNEL, card.ts),
  };
}

export interface Click {
  decision: 'approve' | 'deny' | 'cancel';
  approvalId: string;
  userId: string;
  messageTs: string;
  blockId: string;
  /** Workspace of the click (`team.id`), default T0FAKE. */
  teamId?: string;
  /** `user.team_id` when it differs (Slack Connect); `null` leaves it out. */
  userTeamId?: string | null;
  /** `user.name` / `user.username` shown in the payload (never trusted by the bot). */
  userName?: string;
  /** Id of the response_url sink on the fake Slack (default `click-<user>`). */
  responseId?: string;
}

/** The signed form body of a click on an approval card button. */
export function clickBody(system: System, click: Click): string {
  const payload = approvalClickPayload({
    decision: click.decision,
    value: click.approvalId,
    userId: click.userId,
    teamId: click.teamId ?? TEAM,
    ...(click.userTeamId !== undefined ? { userTeamId: click.userTeamId } : {}),
    channelId: CHANNEL,
    messageTs: click.messageTs,
    blockId: click.blockId,
    responseUrl: system.slack.responseUrl(click.responseId ?? `click-${click.userId}`),
  });
  if (click.userName) {
    const user = payload.user as Record<string, unknown>;
    payload.user = { ...user, name: click.userName, username: click.userName };
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a signed click to an instance. */
export function click(system: System, at: Endpoint, input: Click): Promise<PostResult> {
  return postSigned(at.url('/slack/events'), { secret: SIGNING_SECRET, body: clickBody(system, input) });
}

/** Every answer shown to one user alone: `chat.postEphemeral` texts, then `response_url` posts. */
export function answersTo(system: System, userId: string): string[] {
  const ephemerals = system.slack
    .callsTo('chat.postEphemeral')
    .filter((c) => c.args.user === userId && !c.error)
    .map((c) => `${String(c.args.text ?? '')}\n${JSON.stringify(c.args.blocks ?? [])}`);
  const posts = system.slack.responsePosts(`click-${userId}`).map((p) => JSON.stringify(p.body));
  return [...ephemerals, ...posts];
}

/** Waits for the `n`-th answer to `userId` (1-based) and returns it. */
export function nthAnswerTo(system: System, userId: string, n = 1, timeoutMs = 5000): Promise<string> {
  return eventually(() => answersTo(system, userId)[n - 1], timeoutMs);
}

/** Ids of every BullMQ job under the system's prefix. */
export async function jobIds(system: System): Promise<string[]> {
  const queue = new Queue(system.config.queue.name, {
    connection: { url: REDIS_URL },
    prefix: system.prefix,
  });
  try {
    const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized']);
    // Accepted but not yet moved into BullMQ (no worker running): the inbox stream.
    const inbox = (await inboxPayloads(system.prefix, system.config.queue.name)) as Array<{
      request: { id: string };
    }>;
    // A request being moved is briefly in both: each id once.
    return [...new Set([...jobs.map((j) => j.id ?? ''), ...inbox.map((data) => data.request.id)])];
  } finally {
    await queue.close();
  }
}

/** A Redis connection for the test's own reads and writes (disconnect when done). */
export function redis(): Redis {
  return new Redis(REDIS_URL);
}

export type AuditEntry = Record<string, string>;

/** The audit stream `${prefix}:audit`, oldest first (XRANGE). */
export async function auditRecords(system: System, requestId?: string): Promise<AuditEntry[]> {
  const client = redis();
  try {
    const entries = await client.xrange(`${system.prefix}:audit`, '-', '+');
    const records = entries.map(([, fields]) => {
      if (fields[0] === 'r') return JSON.parse(fields[1]!) as AuditEntry;
      const record: AuditEntry = {};
      for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
      return record;
    });
    return requestId === undefined ? records : records.filter((r) => r.requestId === requestId);
  } finally {
    client.disconnect();
  }
}

/** Waits until an audit record with `event` (and the given fields) exists for the request. */
export function auditEvent(
  system: System,
  requestId: string,
  event: string,
  fields: Record<string, string> = {},
): Promise<AuditEntry> {
  return eventually(async () =>
    (await auditRecords(system, requestId)).find(
      (r) => r.event === event && Object.entries(fields).every(([k, v]) => r[k] === v),
    ),
  );
}

/** The approval record's hash in Redis (`${prefix}:approval:<id>`). */
export async function approvalHash(system: System, approvalId: string): Promise<Record<string, string>> {
  const client = redis();
  try {
    return await client.hgetall(`${system.prefix}:approval:${approvalId}`);
  } finally {
    client.disconnect();
  }
}

/** The approval's state as stored. */
export async function approvalState(system: System, approvalId: string): Promise<string | undefined> {
  return (await approvalHash(system, approvalId)).state;
}

/** Requests the worker thread shows for a request: top-level messages that are not approval cards. */
export function rootMessages(system: System): FakeMessage[] {
  const cards = new Set(cardMessages(system).map((m) => m.ts));
  return system.slack.messages.filter((m) => m.channel === CHANNEL && !m.threadTs && !cards.has(m.ts));
}

/** The worker's root message and thread, once `done(all)` holds. */
export function waitForThread(system: System, done: (all: string) => boolean, timeoutMs = 10_000) {
  return eventually(() => {
    const root = rootMessages(system)[0];
    if (!root) return undefined;
    const replies = system.slack.threadReplies(CHANNEL, root.ts);
    const rootText = textOf(system.slack.finalMessage(CHANNEL, root.ts));
    const all = [rootText, ...replies.map(textOf)].join('\n');
    return done(all) ? { root, replies, all, rootText } : undefined;
  }, timeoutMs);
}

/** Gives in-flight work (acked clicks still being handled, queued jobs) a moment to show up. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
