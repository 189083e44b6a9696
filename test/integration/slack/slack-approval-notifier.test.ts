import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApprovalNotifier } from '../../../src/slack/create-slack-notifier.js';
import type { SlackApprovalNotifier } from '../../../src/slack/slack-approval-notifier.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import { APPROVAL_STATES_FOR_CARDS, aCard, anApproval, CARD_NOW } from '../../fixtures/slack/approvals.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';

describe('SlackApprovalNotifier against the fake Slack Web API', () => {
  let fake: FakeSlack;
  let notifier: SlackApprovalNotifier;

  beforeEach(async () => {
    fake = await startFakeSlack();
    notifier = createSlackApprovalNotifier({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
  });

  afterEach(() => fake.close());

  it('posts a card (the fake accepts its shape) and returns its ts; in a thread when asked', async () => {
    const ts = await notifier.postCard('C0CHANNEL', aCard());
    expect(fake.callsTo('chat.postMessage')[0]!.args).toMatchObject({
      channel: 'C0CHANNEL',
      unfurl_links: 'false',
    });
    expect(fake.finalMessage('C0CHANNEL', ts)!.text).toContain('Approval needed from');
    const threaded = await notifier.postCard('C0CHANNEL', aCard(), '1699999999.000001');
    expect(fake.messages.find((m) => m.ts === threaded)!.threadTs).toBe('1699999999.000001');
  });

  it('updates a card in place with one chat.update per call, no coalescing', async () => {
    const ts = await notifier.postCard('C0CHANNEL', aCard());
    await notifier.updateCard('C0CHANNEL', ts, aCard(APPROVAL_STATES_FOR_CARDS.partiallyApproved));
    await notifier.updateCard('C0CHANNEL', ts, aCard(APPROVAL_STATES_FOR_CARDS.approved));
    expect(fake.callsTo('chat.update')).toHaveLength(2);
    expect(JSON.stringify(fake.finalMessage('C0CHANNEL', ts)!.blocks)).toContain('*Approved* by <@U0CAROL>');
  });

  it('a huge card still fits what Slack accepts', async () => {
    const commands = Array.from({ length: 100 }, () => ['sh', '-c', '<&>'.repeat(800)]);
    await notifier.postCard('C0CHANNEL', aCard({ request: aDebugRequest({ commands }) }));
    expect(fake.callsTo('chat.postMessage')[0]!.error).toBeUndefined();
  });

  it('refreshCard shows an approval where the store says its card is (the expiry sweep)', async () => {
    const ts = await notifier.postCard('C0CHANNEL', aCard());
    const expired = anApproval({ state: 'expired', card: { channelId: 'C0CHANNEL', messageTs: ts } });
    await expect(notifier.refreshCard(expired, CARD_NOW)).resolves.toBe(true);
    expect(JSON.stringify(fake.finalMessage('C0CHANNEL', ts)!.blocks)).toContain('*Expired*');
    await expect(notifier.refreshCard(anApproval(), CARD_NOW)).resolves.toBe(false);
  });

  it('turns Slack failures into chat_unavailable errors without Slack text', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    await expect(notifier.postCard('C0CHANNEL', aCard())).rejects.toMatchObject({
      code: 'chat_unavailable',
      userMessage: 'The bot is not a member of this channel; invite it and try again.',
    });
    await expect(notifier.updateCard('C0CHANNEL', '1.2', aCard())).rejects.toThrow('message_not_found');
  });
});
