import type { BlockAction } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/create-slack-app.js';
import { renderCancelRequestedReply } from '../../../src/slack/render-command-reply.js';
import { renderRootMessage } from '../../../src/slack/render-root-message.js';
import type { SlackCancelInput } from '../../../src/slack/slack-app-handlers.js';
import type { SlackReply } from '../../../src/slack/slack-message.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';
import { blockActionsBody, cancelClickBody, postSigned } from '../../helpers/sign-slack-request.js';
import { testSlackAppOptions } from './test-slack-app-options.js';

const SECRET = 'test-signing-secret';
const ROOT_TS = '1700000001.000001';

describe('the Cancel button through the real Bolt receiver (signed block_actions)', () => {
  let fake: FakeSlack;
  let slack: SlackApp;
  let received: SlackCancelInput[];
  let handler: (input: SlackCancelInput) => Promise<SlackReply>;
  let url: string;

  async function start(withCancel = true): Promise<void> {
    slack = createSlackApp({
      ...testSlackAppOptions(fake, SECRET),
      handlers: {
        onDebugCommand: async () => ({ text: 'unused' }),
        ...(withCancel
          ? {
              onCancel: (input: SlackCancelInput) => {
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

  beforeEach(async () => {
    fake = await startFakeSlack();
    received = [];
    handler = async (input) => renderCancelRequestedReply(input.requestId);
    await start();
  });

  afterEach(async () => {
    await slack.stop();
    await fake.close();
  });

  it('the button renderRootMessage draws reaches onCancel; the answer goes to the clicker only', async () => {
    const root = renderRootMessage(aDebugRequest(), { phase: 'running' });
    const actions = root.blocks?.find((b) => b.type === 'actions');
    const button = actions?.type === 'actions' ? actions.elements[0] : undefined;
    if (button?.type !== 'button') throw new Error('no Cancel button on a running request');

    const res = await postSigned(url, { secret: SECRET, body: cancelClickBody({ value: button.value! }) });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(received).toEqual([
      {
        requestId: 'rk7m2xq9d4hp',
        userId: 'U0REQUESTER',
        teamId: 'T0FAKE',
        channelId: 'C0CHANNEL',
        messageTs: ROOT_TS,
      },
    ]);
    const answer = fake.callsTo('chat.postEphemeral')[0]!.args;
    expect(answer).toMatchObject({ channel: 'C0CHANNEL', user: 'U0REQUESTER' });
    expect(answer.thread_ts).toBeUndefined();
    expect(String(answer.text)).toContain('Cancelling `rk7m2xq9d4hp`');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('acks before the handler answers (Slack allows 3 s)', async () => {
    let finish!: (reply: SlackReply) => void;
    handler = () => new Promise((resolve) => (finish = resolve));
    const started = Date.now();
    const res = await postSigned(url, { secret: SECRET, body: cancelClickBody() });
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect.poll(() => received).toHaveLength(1);
    expect(fake.callsTo('chat.postEphemeral')).toHaveLength(0);
    finish(renderCancelRequestedReply('rk7m2xq9d4hp'));
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
  });

  it('answers in the thread when the root message is itself a thread reply', async () => {
    await postSigned(url, { secret: SECRET, body: cancelClickBody({ threadTs: '1699999999.000001' }) });
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(fake.callsTo('chat.postEphemeral')[0]!.args.thread_ts).toBe('1699999999.000001');
  });

  it("answers in the channel when the thread is the root's own (thread_ts = its ts)", async () => {
    await postSigned(url, { secret: SECRET, body: cancelClickBody({ threadTs: ROOT_TS }) });
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(fake.callsTo('chat.postEphemeral')[0]!.args.thread_ts).toBeUndefined();
  });

  it('falls back to response_url (ephemeral, original kept) when chat.postEphemeral is refused', async () => {
    fake.failNext('chat.postEphemeral', { error: 'user_not_in_channel' });
    const body = cancelClickBody({ responseUrl: fake.responseUrl('click') });
    await postSigned(url, { secret: SECRET, body });
    await expect.poll(() => fake.responsePosts('click')).toHaveLength(1);
    expect(fake.responsePosts('click')[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      replace_original: false,
      text: expect.stringContaining('Cancelling'),
    });
  });

  it('a forged signature → 401; the handler is never called and nothing is sent', async () => {
    const res = await postSigned(url, { secret: SECRET, signWith: 'attacker', body: cancelClickBody() });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it('a stale signed click → 401, handler not called', async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 360;
    const res = await postSigned(url, { secret: SECRET, body: cancelClickBody(), timestamp });
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('answers a handler error with its safe user message, never its detail', async () => {
    handler = async () => {
      throw new DebugError('queue_unavailable', 'The job queue is unavailable; try again.', {
        detail: 'redis://:hunter2@10.0.0.1:6379 ECONNREFUSED',
      });
    };
    await postSigned(url, { secret: SECRET, body: cancelClickBody() });
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toBe(
      'Not cancelled: The job queue is unavailable; try again.',
    );
    expect(fake.everythingSent()).not.toContain('hunter2');
  });

  it.each([['<!channel>'], ['rk7; rm -rf /'], [''], ['R'.repeat(65)]])(
    'refuses a button value that is not a request id (%j) without calling the handler',
    async (value) => {
      await postSigned(url, { secret: SECRET, body: cancelClickBody({ value }) });
      await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
      expect(received).toHaveLength(0);
      expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('Not cancelled');
    },
  );

  it('without onCancel, still acks and tells the clicker it is not available', async () => {
    await slack.stop();
    await start(false);
    const res = await postSigned(url, { secret: SECRET, body: cancelClickBody() });
    expect(res.status).toBe(200);
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(String(fake.callsTo('chat.postEphemeral')[0]!.args.text)).toContain('not available');
  });

  it('leaves other buttons to other listeners', async () => {
    const clicks: string[] = [];
    slack.app.action<BlockAction>('approve', async ({ ack, action }) => {
      await ack();
      clicks.push(action.action_id);
    });
    const res = await postSigned(url, { secret: SECRET, body: blockActionsBody() });
    expect(res.status).toBe(200);
    expect(clicks).toEqual(['approve']);
    expect(received).toHaveLength(0);
  });
});
