import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/create-slack-app.js';
import { renderQueuedReply, renderRefusedReply } from '../../../src/slack/render-command-reply.js';
import type { SlackMentionInput } from '../../../src/slack/slack-app-handlers.js';
import type { SlackReply } from '../../../src/slack/slack-message.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import { appMentionBody, postSigned, signedEventDelivery } from '../../helpers/sign-slack-request.js';
import { testSlackAppOptions } from './test-slack-app-options.js';

const SECRET = 'test-signing-secret';
const MENTION_TS = '1700000000.000100';
const PARENT_TS = '1699999999.000001';

describe('@bot debug … through the real Bolt receiver (signed event_callback envelopes)', () => {
  let fake: FakeSlack;
  let slack: SlackApp;
  let received: SlackMentionInput[];
  let handler: (input: SlackMentionInput) => Promise<SlackReply | undefined>;
  let url: string;

  function start(withMentions = true): Promise<void> {
    slack = createSlackApp({
      ...testSlackAppOptions(fake, SECRET),
      handlers: {
        onDebugCommand: async () => ({ text: 'unused' }),
        ...(withMentions
          ? {
              onMention: (input: SlackMentionInput) => {
                received.push(input);
                return handler(input);
              },
            }
          : {}),
      },
    });
    return slack.start().then(() => {
      url = `http://127.0.0.1:${slack.port}/slack/events`;
    });
  }

  function deliver(body: string, retry?: { num: number; reason?: string }) {
    return postSigned(url, signedEventDelivery(SECRET, body, retry));
  }

  beforeEach(async () => {
    fake = await startFakeSlack();
    received = [];
    handler = async () => renderQueuedReply('rk7m2xq9d4hp');
    await start();
  });

  afterEach(async () => {
    await slack.stop();
    await fake.close();
  });

  it('passes the decoded command to onMention and answers in a new thread under the mention', async () => {
    const body = appMentionBody({
      text:
        '<@U0BOT> debug checkout-7d9f -n shop --image <http://registry.example.com/busybox:1.36|' +
        "registry.example.com/busybox:1.36> -- sh -c 'ps aux &amp;&amp; echo &lt;ok&gt;'",
    });
    const res = await deliver(body);
    expect(res.status).toBe(200);
    await expect.poll(() => fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(received).toEqual([
      {
        text: "checkout-7d9f -n shop --image registry.example.com/busybox:1.36 -- sh -c 'ps aux && echo <ok>'",
        userId: 'U0REQUESTER',
        teamId: 'T0FAKE',
        channelId: 'C0CHANNEL',
        threadTs: MENTION_TS,
        eventId: 'Ev0MENTION0001',
      },
    ]);
    const [reply] = fake.threadReplies('C0CHANNEL', MENTION_TS);
    expect(reply?.text).toContain('Queued as `rk7m2xq9d4hp`');
    expect(fake.callsTo('chat.postMessage')[0]!.args).toMatchObject({ unfurl_links: 'false' });
    expect(fake.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('inside a thread, uses the thread and answers there', async () => {
    await deliver(appMentionBody({ thread_ts: PARENT_TS, text: '<@U0BOT> debug web-1 -- ps' }));
    await expect.poll(() => fake.threadReplies('C0CHANNEL', PARENT_TS)).toHaveLength(1);
    expect(received[0]).toMatchObject({ threadTs: PARENT_TS, text: 'web-1 -- ps' });
    expect(fake.threadReplies('C0CHANNEL', MENTION_TS)).toHaveLength(0);
  });

  it('a redelivery (same event_id, X-Slack-Retry-Num: 1) reaches the handler with the same eventId', async () => {
    const body = appMentionBody({}, { eventId: 'Ev0SAME' });
    expect((await deliver(body)).status).toBe(200);
    await expect.poll(() => received).toHaveLength(1);
    expect((await deliver(body, { num: 1, reason: 'http_timeout' })).status).toBe(200);
    await expect.poll(() => received).toHaveLength(2);
    expect(received[0]!.eventId).toBe('Ev0SAME');
    expect(received[1]!.eventId).toBe('Ev0SAME');
    expect(received[0]!.retryNum).toBeUndefined();
    expect(received[1]!.retryNum).toBe(1);
    expect({ ...received[1], retryNum: undefined }).toEqual({ ...received[0], retryNum: undefined });
  });

  it('sends refusals to the requester only: in the channel for a new thread, in the thread for an existing one', async () => {
    handler = async () => renderRefusedReply('namespace kube-system is not allowed');
    await deliver(appMentionBody({}, { eventId: 'Ev1' }));
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    const top = fake.callsTo('chat.postEphemeral')[0]!.args;
    expect(top).toMatchObject({ channel: 'C0CHANNEL', user: 'U0REQUESTER' });
    expect(top.thread_ts).toBeUndefined();
    expect(String(top.text)).toContain('kube-system is not allowed');

    await deliver(appMentionBody({ thread_ts: PARENT_TS }, { eventId: 'Ev2' }));
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(2);
    expect(fake.callsTo('chat.postEphemeral')[1]!.args).toMatchObject({
      channel: 'C0CHANNEL',
      user: 'U0REQUESTER',
      thread_ts: PARENT_TS,
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers a handler error with its safe user message, to the requester only', async () => {
    handler = async () => {
      throw new DebugError('queue_unavailable', 'The job queue is unavailable; nothing was run.', {
        detail: 'connect ECONNREFUSED 127.0.0.1:6379 password=hunter2',
      });
    };
    await deliver(appMentionBody());
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(fake.everythingSent()).toContain('The job queue is unavailable; nothing was run.');
    expect(fake.everythingSent()).not.toContain('hunter2');
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('posts nothing when the handler answers undefined', async () => {
    handler = async () => undefined;
    await deliver(appMentionBody());
    await expect.poll(() => received).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    ['no text', '<@U0BOT>'],
    ['help', '<@U0BOT> help'],
    ['debug help', '<@U0BOT> debug help'],
  ])('%s → the usage in the thread, without calling the handler', async (_name, text) => {
    await deliver(appMentionBody({ text }));
    await expect.poll(() => fake.threadReplies('C0CHANNEL', MENTION_TS)).toHaveLength(1);
    expect(fake.threadReplies('C0CHANNEL', MENTION_TS)[0]!.text).toBe('How to use /debug');
    expect(received).toHaveLength(0);
  });

  it('text without "debug" → the usage with a hint, to the requester only', async () => {
    await deliver(appMentionBody({ text: '<@U0BOT> thanks <!channel>!' }));
    await expect.poll(() => fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    const usage = fake.callsTo('chat.postEphemeral')[0]!.args;
    expect(usage).toMatchObject({ channel: 'C0CHANNEL', user: 'U0REQUESTER' });
    expect(String(usage.text)).toContain('write "debug" right after the mention');
    expect(received).toHaveLength(0);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('ignores mentions by bots and edited messages', async () => {
    await deliver(appMentionBody({ bot_id: 'B0OTHER' }, { eventId: 'EvBot' }));
    await deliver(appMentionBody({ subtype: 'bot_message', bot_id: 'B0X' }, { eventId: 'EvBotMsg' }));
    await deliver(appMentionBody({ edited: { user: 'U0REQUESTER', ts: '1' } }, { eventId: 'EvEdit' }));
    await deliver(appMentionBody({ user: 'U0BOT' }, { eventId: 'EvSelf' }));
    await deliver(appMentionBody({}, { eventId: 'EvReal' }));
    await expect.poll(() => received).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.map((r) => r.eventId)).toEqual(['EvReal']);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('a forged signature → 401; the handler is never called and nothing is posted', async () => {
    const res = await postSigned(url, { ...signedEventDelivery(SECRET, appMentionBody()), signWith: 'x' });
    expect(res.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it('without onMention, keeps answering every mention with the usage in its thread', async () => {
    await slack.stop();
    await start(false);
    await deliver(appMentionBody({ thread_ts: PARENT_TS }));
    await expect.poll(() => fake.threadReplies('C0CHANNEL', PARENT_TS)).toHaveLength(1);
    expect(fake.threadReplies('C0CHANNEL', PARENT_TS)[0]!.text).toBe('How to use /debug');
    expect(received).toHaveLength(0);
  });
});
