import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Approval } from '../../../src/core/approval-model.js';
import { decideApproval } from '../../../src/core/decide-approval.js';
import { describeApprovalCard } from '../../../src/core/describe-approval-card.js';
import { DebugError } from '../../../src/core/errors.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/create-slack-app.js';
import { createSlackApprovalNotifier } from '../../../src/slack/create-slack-notifier.js';
import { mentionSlackUser } from '../../../src/slack/format-approvers.js';
import { approvalBlockId } from '../../../src/slack/render-approval-card.js';
import type {
  SlackApprovalAnswer,
  SlackApprovalDecisionInput,
} from '../../../src/slack/slack-app-handlers.js';
import type { SlackApprovalNotifier } from '../../../src/slack/slack-approval-notifier.js';
import { toSlackApprovalAnswer } from '../../../src/slack/to-slack-approval-answer.js';
import { createRecordingLogger } from '../../fakes/slack-api/create-recording-logger.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import { anApproval } from '../../fixtures/slack/approvals.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';
import { approvalClickBody, postSigned } from '../../helpers/sign-slack-request.js';
import {
  MemoryApprovalAudit,
  MemoryApprovalStore,
  recordingEnqueue,
} from '../../unit/core/approval-fakes.js';
import { testSlackAppOptions } from './test-slack-app-options.js';

const SECRET = 'test-signing-secret';
const CHANNEL = 'C0CHANNEL';

/** A request typed by U0REQUESTER in the fake's workspace. */
function aRequest(id = 'rk7m2xq9d4hp') {
  return aDebugRequest({ id, requester: { userId: 'U0REQUESTER', teamId: 'T0FAKE', userName: 'alice' } });
}

describe('approval card buttons through the real Bolt receiver (signed block_actions)', () => {
  let fake: FakeSlack;
  let slack: SlackApp;
  let notifier: SlackApprovalNotifier;
  let store: MemoryApprovalStore;
  let enqueue: ReturnType<typeof recordingEnqueue>;
  let received: SlackApprovalDecisionInput[];
  let handler: (input: SlackApprovalDecisionInput) => Promise<SlackApprovalAnswer>;
  let approval: Approval;
  let cardTs: string;
  let url: string;

  /** The handler src/main is expected to wire: the core use case, then the answer mapping. */
  async function decide(input: SlackApprovalDecisionInput): Promise<SlackApprovalAnswer> {
    const now = new Date();
    const result = await decideApproval(
      { ...input, now },
      {
        store,
        audit: new MemoryApprovalAudit(),
        logger: createRecordingLogger(),
        enqueue,
        mention: mentionSlackUser,
      },
    );
    return toSlackApprovalAnswer(result, now);
  }

  async function start(withHandler = true): Promise<void> {
    slack = createSlackApp({
      ...testSlackAppOptions(fake, SECRET),
      handlers: {
        onDebugCommand: async () => ({ text: 'unused' }),
        ...(withHandler
          ? {
              onApprovalDecision: (input: SlackApprovalDecisionInput) => {
                received.push(input);
                return handler(input);
              },
            }
          : {}),
      },
    });
    await slack.start();
    url = `http://127.0.0.1:${slack.port}/slack/events`;
  }

  async function openApproval(overrides: Partial<Approval> = {}): Promise<void> {
    const now = Date.now();
    approval = anApproval({
      request: aRequest(),
      approvers: { users: ['U0APPROVER', 'U0CAROL'], groups: [] },
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 30 * 60_000).toISOString(),
      ...overrides,
    });
    const { state: _state, approvals: _approvals, ...fresh } = approval;
    await store.create(fresh, [
      { userId: 'U0APPROVER', teamId: 'T0FAKE' },
      { userId: 'U0CAROL', teamId: 'T0FAKE' },
    ]);
    cardTs = await notifier.postCard(CHANNEL, describeApprovalCard(approval, new Date(now)));
    await store.attachCard(approval.id, { channelId: CHANNEL, messageTs: cardTs });
  }

  function click(overrides: Parameters<typeof approvalClickBody>[0] = {}) {
    return postSigned(url, {
      secret: SECRET,
      body: approvalClickBody({
        value: approval.id,
        blockId: approvalBlockId(approval.digest),
        messageTs: cardTs,
        channelId: CHANNEL,
        responseUrl: fake.responseUrl('click'),
        ...overrides,
      }),
    });
  }

  function shownCard() {
    const message = fake.finalMessage(CHANNEL, cardTs)!;
    return { ...message, json: JSON.stringify(message.blocks) };
  }

  function hasButtons(): boolean {
    return (shownCard().blocks ?? []).some((b) => (b as { type: string }).type === 'actions');
  }

  beforeEach(async () => {
    fake = await startFakeSlack();
    store = new MemoryApprovalStore();
    enqueue = recordingEnqueue();
    received = [];
    handler = decide;
    notifier = createSlackApprovalNotifier({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    await start();
    await openApproval();
  });

  afterEach(async () => {
    await slack.stop();
    await fake.close();
  });

  it('approve: the handler gets the click as signed, the card is updated in place, the clicker is told', async () => {
    const res = await click({ userId: 'U0APPROVER' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(received).toEqual([
      {
        approvalId: approval.id,
        decision: 'approve',
        clicker: { userId: 'U0APPROVER', teamId: 'T0FAKE' },
        shownDigest: approval.digest,
        channelId: CHANNEL,
        messageTs: cardTs,
      },
    ]);
    const [update] = fake.callsTo('chat.update');
    expect(update!.args).toMatchObject({ channel: CHANNEL, ts: cardTs });
    expect(shownCard().json).toContain('*Approved* by <@U0APPROVER>');
    expect(hasButtons()).toBe(false);
    expect(fake.callsTo('chat.postEphemeral')[0]!.args).toMatchObject({
      channel: CHANNEL,
      user: 'U0APPROVER',
      text: 'Approved. The debug job is queued.',
    });
    expect(enqueue.calls.map((r) => r.id)).toEqual([approval.id]);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1); // only the card itself
  });

  it('a refused click (self-approval) answers the clicker only; the card is unchanged', async () => {
    const before = shownCard();
    await click({ userId: 'U0REQUESTER' });
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(fake.callsTo('chat.postEphemeral')[0]!.args).toMatchObject({
      user: 'U0REQUESTER',
      text: "You can't approve your own request.",
    });
    expect(fake.callsTo('chat.update')).toHaveLength(0);
    expect(shownCard()).toEqual(before);
    expect(hasButtons()).toBe(true);
    expect(enqueue.calls).toHaveLength(0);
  });

  it('a click carrying another digest than the stored one is refused; the card is unchanged', async () => {
    await click({ blockId: approvalBlockId('f'.repeat(64)) });
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(received[0]!.shownDigest).toBe('f'.repeat(64));
    expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain(
      'changed after its approval card',
    );
    expect(fake.callsTo('chat.update')).toHaveLength(0);
    expect(enqueue.calls).toHaveLength(0);
  });

  it('deny by an approver and cancel by the requester close the card', async () => {
    await click({ decision: 'deny', userId: 'U0CAROL' });
    await expect.poll(() => fake.callsTo('chat.update')).toHaveLength(1);
    expect(received[0]!.decision).toBe('deny');
    expect(shownCard().json).toContain('*Denied* by <@U0CAROL>');
    expect(hasButtons()).toBe(false);

    await openApproval({ id: 'rsecondreq01', request: aRequest('rsecondreq01') });
    await click({ decision: 'cancel', userId: 'U0REQUESTER' });
    await expect.poll(() => fake.callsTo('chat.update')).toHaveLength(2);
    expect(received[1]).toMatchObject({ decision: 'cancel', approvalId: 'rsecondreq01' });
    expect(shownCard().json).toContain('*Cancelled* by the requester, <@U0REQUESTER>');
  });

  it('two of two: the first approval updates the count and keeps the buttons; the second approves', async () => {
    await store.transition({
      kind: 'cancel',
      approvalId: approval.id,
      actor: { userId: 'U0REQUESTER', teamId: 'T0FAKE' },
      now: new Date(),
    });
    await openApproval({ id: 'rtwoneeded01', request: aRequest('rtwoneeded01'), approvalsRequired: 2 });
    await click({ userId: 'U0APPROVER' });
    await expect.poll(() => fake.callsTo('chat.update')).toHaveLength(1);
    expect(shownCard().json).toContain('1 of 2 approvals in; waiting for 1 more');
    expect(hasButtons()).toBe(true);
    expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('1 more needed');

    await click({ userId: 'U0CAROL' });
    await expect.poll(() => fake.callsTo('chat.update')).toHaveLength(2);
    expect(shownCard().json).toContain('*Approvals so far*: 2 of 2 — <@U0APPROVER>, <@U0CAROL>');
    expect(hasButtons()).toBe(false);
    expect(enqueue.calls.map((r) => r.id)).toEqual(['rtwoneeded01']);
  });

  it('a forged signature → 401; the handler is never called and nothing is sent', async () => {
    const callsBefore = fake.calls.length;
    const res = await postSigned(url, {
      secret: SECRET,
      signWith: 'attacker',
      body: approvalClickBody({ value: approval.id, messageTs: cardTs }),
    });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(0);
    expect(fake.calls).toHaveLength(callsBefore);
    expect(enqueue.calls).toHaveLength(0);
  });

  it.each([['<!channel>'], [''], ['rk7; rm -rf /'], ['R'.repeat(65)]])(
    'a malformed button value (%j) is refused without calling the handler',
    async (value) => {
      const res = await click({ value });
      expect(res.status).toBe(200);
      await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
      expect(received).toHaveLength(0);
      expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain(
        'does not belong to an approval the bot knows',
      );
      expect(fake.callsTo('chat.update')).toHaveLength(0);
    },
  );

  it('acks before the handler answers (Slack allows 3 s)', async () => {
    let finish!: (answer: SlackApprovalAnswer) => void;
    handler = () => new Promise((resolve) => (finish = resolve));
    const started = Date.now();
    const res = await click();
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect.poll(() => received).toHaveLength(1);
    finish({ ephemeral: 'later' });
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('falls back to response_url (replace_original) when chat.update is refused', async () => {
    fake.failNext('chat.update', { error: 'message_not_found' });
    await click({ userId: 'U0APPROVER' });
    await expect.poll(() => fake.responsePosts('click')).toHaveLength(1);
    const body = fake.responsePosts('click')[0]!.body as { replace_original: boolean; blocks: unknown[] };
    expect(body.replace_original).toBe(true);
    expect(JSON.stringify(body.blocks)).toContain('*Approved* by <@U0APPROVER>');
  });

  it('answers a handler error with its safe user message, never its detail; the card is unchanged', async () => {
    handler = async () => {
      throw new DebugError('queue_unavailable', 'The approval store is unavailable; try again.', {
        detail: 'redis://:hunter2@10.0.0.1:6379 ECONNREFUSED',
      });
    };
    await click();
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toBe(
      'The approval store is unavailable; try again.',
    );
    expect(fake.everythingSent()).not.toContain('hunter2');
    expect(fake.callsTo('chat.update')).toHaveLength(0);
  });

  it('escapes the ephemeral answer; only user mentions stay live', async () => {
    handler = async () => ({ ephemeral: 'Already denied by <@U0CAROL>. <!channel>' });
    await click();
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(fake.callsTo('chat.postEphemeral')[0]!.args.text).toBe(
      'Already denied by <@U0CAROL>. &lt;!channel&gt;',
    );
  });

  it('never draws the card of another approval over the clicked one', async () => {
    handler = async () => ({ card: describeApprovalCard({ ...approval, id: 'rsomeother01' }, new Date()) });
    await click();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toHaveLength(1);
    expect(fake.callsTo('chat.update')).toHaveLength(0);
  });

  it('without onApprovalDecision, still acks and tells the clicker it is not available', async () => {
    await slack.stop();
    await start(false);
    const res = await click();
    expect(res.status).toBe(200);
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('not available');
    expect(fake.callsTo('chat.update')).toHaveLength(0);
  });
});
