import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/create-slack-app.js';
import type { SlackCommandInput } from '../../../src/slack/register-command-listeners.js';
import { renderQueuedReply } from '../../../src/slack/render-command-reply.js';
import type { SlackReply } from '../../../src/slack/slack-message.js';
import { createRecordingLogger } from '../../fakes/slack-api/create-recording-logger.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import {
  blockActionsBody,
  postRaw,
  postSigned,
  signSlackRequest,
  slackSignature,
  slashCommandBody,
} from '../../helpers/sign-slack-request.js';
import { testSlackAppOptions } from './test-slack-app-options.js';

const SECRET = 'test-signing-secret';

describe('createSlackApp over HTTP (real Bolt receiver, signed requests)', () => {
  let fake: FakeSlack;
  let slack: SlackApp;
  let received: SlackCommandInput[];
  let handler: (input: SlackCommandInput) => Promise<SlackReply>;
  let healthy: boolean;
  let url: string;

  beforeEach(async () => {
    fake = await startFakeSlack();
    received = [];
    healthy = true;
    handler = async () => renderQueuedReply('rk7m2xq9d4hp');
    slack = createSlackApp({
      ...testSlackAppOptions(fake, SECRET),
      ackTimeoutMs: 300,
      healthCheck: () => healthy,
      handlers: {
        onDebugCommand: (input) => {
          received.push(input);
          return handler(input);
        },
      },
    });
    await slack.start();
    url = `http://127.0.0.1:${slack.port}/slack/events`;
  });

  afterEach(async () => {
    await slack.stop();
    await fake.close();
  });

  it('acks a valid command with the handler reply (ephemeral JSON) and passes the decoded input', async () => {
    const body = slashCommandBody({ text: 'web-1 -- sh -c &quot;a &amp;&amp; b&quot; &gt; /tmp/x' });
    const started = Date.now();
    const res = await postSigned(url, { secret: SECRET, body });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const reply = JSON.parse(res.text);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toContain('Queued as `rk7m2xq9d4hp`');
    expect(received).toEqual([
      {
        text: 'web-1 -- sh -c &quot;a && b&quot; > /tmp/x',
        userId: 'U0REQUESTER',
        userName: 'alice',
        teamId: 'T0FAKE',
        channelId: 'C0CHANNEL',
        triggerId: '1234567890.1234567890.0123456789abcdef0123456789abcdef',
        responseUrl: 'https://hooks.slack.com/commands/T0FAKE/1234/abcd',
      },
    ]);
    expect(fake.callsTo('auth.test')).toHaveLength(0);
  });

  it('answers a handler error with its safe user message, never its detail', async () => {
    handler = async () => {
      throw new DebugError('queue_unavailable', 'The job queue is unavailable; nothing was run.', {
        detail: 'connect ECONNREFUSED 127.0.0.1:6379 password=hunter2',
      });
    };
    const res = await postSigned(url, { secret: SECRET, body: slashCommandBody() });
    expect(res.status).toBe(200);
    expect(res.text).toContain('The job queue is unavailable; nothing was run.');
    expect(res.text).not.toContain('hunter2');
    expect(res.text).not.toContain('ECONNREFUSED');
  });

  it('acks "still working" when the handler is slow, then sends its reply through response_url', async () => {
    let finish!: (reply: SlackReply) => void;
    handler = () => new Promise((resolve) => (finish = resolve));
    const body = slashCommandBody({ response_url: fake.responseUrl('late') });
    const res = await postSigned(url, { secret: SECRET, body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).text).toContain('Still checking');
    finish(renderQueuedReply('rlate0000000'));
    await expect.poll(() => fake.responsePosts('late')).toHaveLength(1);
    expect(fake.responsePosts('late')[0]!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(fake.responsePosts('late')[0]!.body)).toContain('rlate0000000');
  });

  it('row 2: a forged signature gets 401 and the handler is never called', async () => {
    const res = await postSigned(url, {
      secret: SECRET,
      signWith: 'attacker-secret',
      body: slashCommandBody(),
    });
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    expect(received).toHaveLength(0);
    expect(fake.calls).toHaveLength(0);
  });

  it('row 2: a body changed after signing gets 401', async () => {
    const signed = slashCommandBody();
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await postRaw(url, slashCommandBody({ text: 'prod-db -- cat /etc/shadow' }), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, signed),
    });
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it.each([
    ['missing signature', { omit: ['signature' as const] }],
    ['missing timestamp', { omit: ['timestamp' as const] }],
    ['duplicated signature', { duplicate: ['signature' as const] }],
    ['duplicated timestamp', { duplicate: ['timestamp' as const] }],
    ['non-numeric timestamp', { timestamp: 'abc' }],
  ])('row 3: %s → 401, nothing handled', async (_name, variation) => {
    const res = await postSigned(url, { secret: SECRET, body: slashCommandBody(), ...variation });
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('answers an unsigned ssl_check with 200 and never runs a smuggled command', async () => {
    const body = `ssl_check=1&${slashCommandBody()}`;
    const res = await postRaw(url, body, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(200);
    expect(received).toHaveLength(0);
  });

  it('row 4: a timestamp 6 minutes old → 401', async () => {
    const res = await postSigned(url, {
      secret: SECRET,
      body: slashCommandBody(),
      timestamp: Math.floor(Date.now() / 1000) - 360,
    });
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('row 6: a timestamp 10 minutes ahead → 401 (our front door; Bolt alone would accept it)', async () => {
    const res = await postSigned(url, {
      secret: SECRET,
      body: slashCommandBody(),
      timestamp: Math.floor(Date.now() / 1000) + 600,
    });
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('row 6: a timestamp 2 minutes ahead (clock skew) is accepted', async () => {
    const res = await postSigned(url, {
      secret: SECRET,
      body: slashCommandBody(),
      timestamp: Math.floor(Date.now() / 1000) + 120,
    });
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('row 9: a signed 5 MB body → 413 before Bolt buffers it; nothing handled', async () => {
    const body = slashCommandBody({ text: `web-1 -- echo ${'x'.repeat(5 * 1024 * 1024)}` });
    const res = await postSigned(url, { secret: SECRET, body });
    expect(res.status).toBe(413);
    expect(received).toHaveLength(0);
  });

  it('row 9: a chunked 5 MB body (no Content-Length) → 413 once it passes the limit', async () => {
    const body = slashCommandBody({ text: `web-1 -- echo ${'x'.repeat(5 * 1024 * 1024)}` });
    const headers = { ...signSlackRequest({ secret: SECRET, body }), 'transfer-encoding': 'chunked' };
    const res = await postRaw(url, body, headers);
    expect(res.status).toBe(413);
    expect(received).toHaveLength(0);
  });

  it('row 9: Expect: 100-continue with an oversized Content-Length → 413 before the body is sent', async () => {
    const status = await new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request(url, {
        method: 'POST',
        headers: {
          ...signSlackRequest({ secret: SECRET, body: 'x' }),
          'content-length': String(5 * 1024 * 1024),
          expect: '100-continue',
        },
      });
      req.on('continue', () => {
        continued = true;
        req.destroy();
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode!, continued });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toEqual({ status: 413, continued: false });
    expect(received).toHaveLength(0);
  });

  it('Expect: 100-continue with a signed body within the limit is continued and handled', async () => {
    const body = slashCommandBody();
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {
          ...signSlackRequest({ secret: SECRET, body }),
          'content-length': String(Buffer.byteLength(body)),
          expect: '100-continue',
        },
      });
      req.on('continue', () => req.end(body));
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('answers 400 for a charset-suffixed content type (Bolt then parses JSON)', async () => {
    const res = await postSigned(url, {
      secret: SECRET,
      body: slashCommandBody(),
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(res.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it('verifies a signed block_actions payload (payload=<json>) and routes it to an action listener', async () => {
    const clicks: string[] = [];
    slack.app.action('approve', async ({ ack, body }) => {
      await ack();
      clicks.push((body as { user: { id: string } }).user.id);
    });
    const res = await postSigned(url, { secret: SECRET, body: blockActionsBody({ userId: 'U0CLICKER' }) });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(clicks).toEqual(['U0CLICKER']);
    const forged = await postSigned(url, { secret: SECRET, signWith: 'x', body: blockActionsBody() });
    expect(forged.status).toBe(401);
    expect(clicks).toHaveLength(1);
  });

  it('serves GET /healthz with JSON, 503 when not ready, and 404 elsewhere', async () => {
    const base = `http://127.0.0.1:${slack.port}`;
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    healthy = false;
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/slack/events`)).status).toBe(404);
  });

  it('answers an app_mention with the usage in its thread', async () => {
    const body = JSON.stringify({
      token: 'x',
      team_id: 'T0FAKE',
      api_app_id: 'A0DEBUGBOT',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1,
      event: {
        type: 'app_mention',
        user: 'U0REQUESTER',
        text: '<@U0BOT> help',
        ts: '1700000000.000100',
        channel: 'C0CHANNEL',
        event_ts: '1',
      },
    });
    const res = await postSigned(url, { secret: SECRET, body, contentType: 'application/json' });
    expect(res.status).toBe(200);
    await expect.poll(() => fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('chat.postMessage')[0]!.args).toMatchObject({
      channel: 'C0CHANNEL',
      thread_ts: '1700000000.000100',
    });
  });
});

describe('createSlackApp start-up', () => {
  it('row 8: refuses an empty signing secret', () => {
    const options = { botToken: 'xoxb-1', handlers: { onDebugCommand: async () => ({ text: '' }) } };
    expect(() => createSlackApp({ ...options, signingSecret: '' })).toThrow(/signing secret is empty/);
    expect(() => createSlackApp({ ...options, signingSecret: '   ' })).toThrow(/signing secret is empty/);
    expect(() => createSlackApp({ ...options, signingSecret: 's', appToken: 'xapp-1' }).app).not.toThrow();
    expect(() => createSlackApp({ ...options, signingSecret: '', appToken: 'xapp-1' })).toThrow(
      /signing secret/,
    );
  });

  it('runs auth.test at start when bot ids are not given, and fails start on a bad token', async () => {
    const fake = await startFakeSlack();
    try {
      const make = (botToken: string) =>
        createSlackApp({
          signingSecret: SECRET,
          botToken,
          slackApiUrl: fake.url,
          retryConfig: { retries: 0 },
          port: 0,
          host: '127.0.0.1',
          logger: createRecordingLogger(),
          handlers: { onDebugCommand: async () => ({ text: 'ok' }) },
        });
      const good = make(fake.token);
      expect(fake.callsTo('auth.test')).toHaveLength(0);
      await good.start();
      expect(fake.callsTo('auth.test')).toHaveLength(1);
      await good.stop();
      await expect(make('xoxb-wrong').start()).rejects.toThrow(/invalid_auth/);
    } finally {
      await fake.close();
    }
  });
});
