import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDebugError } from '../../../src/core/errors.js';
import { createSlackNotifier, type SlackRetryConfig } from '../../../src/slack/create-slack-notifier.js';
import type { SlackNotifier } from '../../../src/slack/slack-notifier.js';
import { createRecordingLogger } from '../../fakes/slack-api/create-recording-logger.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import {
  aDebugRequest,
  aTranscript,
  aTranscriptCommand,
  HOSTILE_OUTPUT,
} from '../../fixtures/slack/transcripts.js';

describe('SlackNotifier against the fake Slack Web API', () => {
  let fake: FakeSlack;
  let notifier: SlackNotifier;

  function make(retryConfig: SlackRetryConfig = { retries: 0 }, updateIntervalMs = 200): SlackNotifier {
    return createSlackNotifier({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig,
      updateIntervalMs,
      pacing: { perSecond: 1000, burst: 100 },
      logger: createRecordingLogger(),
    });
  }

  beforeEach(async () => {
    fake = await startFakeSlack();
    notifier = make();
  });

  afterEach(async () => {
    await notifier.flush();
    await fake.close();
  });

  it('postRoot posts to the channel and returns the ts; threadTs answers in that thread', async () => {
    const ts = await notifier.postRoot(aDebugRequest(), { phase: 'queued' });
    expect(fake.callsTo('chat.postMessage')[0]!.args).toMatchObject({
      channel: 'C0CHANNEL',
      unfurl_links: 'false',
    });
    expect(fake.callsTo('chat.postMessage')[0]!.token).toBe(fake.token);
    expect(fake.finalMessage('C0CHANNEL', ts)?.text).toContain('Queued');
    expect(fake.callsTo('chat.postMessage')[0]!.args.thread_ts).toBeUndefined();

    const inThread = aDebugRequest({ threadTs: '1699999999.000001' });
    const threaded = await notifier.postRoot(inThread, { phase: 'queued' });
    expect(fake.messages.find((m) => m.ts === threaded)?.threadTs).toBe('1699999999.000001');
    await notifier.postTranscript(inThread, threaded, aTranscript());
    expect(fake.threadReplies('C0CHANNEL', '1699999999.000001')).toHaveLength(2);
  });

  it('updateRoot coalesces a burst into at most one update per interval, latest state wins', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued' });
    const started = Date.now();
    const phases = ['creating', 'pulling', 'running', 'running', 'collecting'] as const;
    const updates = phases.map((phase, i) =>
      notifier.updateRoot(request, ts, { phase, detail: `step ${i}` }),
    );
    updates.push(notifier.updateRoot(request, ts, { phase: 'done' }));
    await Promise.all(updates);
    const calls = fake.callsTo('chat.update');
    expect(calls.length).toBe(1);
    expect(calls[0]!.args.text).toContain('Done');
    // The final state does not wait out the interval (the job waits for it), it only waits for the send in flight.
    expect(Date.now() - started).toBeLessThan(150);
    expect(fake.finalMessage('C0CHANNEL', ts)?.text).toContain('Done');
  });

  it('keeps the final state: progress arriving after it is ignored', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued' });
    await notifier.updateRoot(request, ts, { phase: 'failed', detail: 'ImagePullBackOff' });
    await notifier.updateRoot(request, ts, { phase: 'running' });
    await notifier.flush();
    expect(fake.finalMessage('C0CHANNEL', ts)?.text).toContain('Failed');
    expect(fake.callsTo('chat.update')).toHaveLength(1);
  });

  it('rejects with chat_unavailable when the final update cannot be sent; progress failures do not throw', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued' });
    fake.failNext('chat.update', { error: 'channel_not_found' });
    await expect(notifier.updateRoot(request, ts, { phase: 'running' })).resolves.toBeUndefined();
    fake.failNext('chat.update', { error: 'channel_not_found' });
    const error = await notifier.updateRoot(request, ts, { phase: 'done' }).catch((e: unknown) => e);
    expect(isDebugError(error) && error.code).toBe('chat_unavailable');
    expect(isDebugError(error) && error.retryable).toBe(false);
  });

  it('posts the transcript as thread replies; 5 MB of output goes up as a file with a preview inline', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued' });
    const line = 'z'.repeat(99);
    const output = `${`${line}\n`.repeat(50_000)}END\n`;
    expect(output.length).toBeGreaterThan(5_000_000);
    await notifier.postTranscript(
      request,
      ts,
      aTranscript({
        commands: [aTranscriptCommand({ argv: ['cat', 'big.log'], output, outputBytes: output.length })],
      }),
    );

    const replies = fake.threadReplies('C0CHANNEL', ts);
    expect(replies.length).toBe(2);
    expect(JSON.stringify(replies[0]!.blocks)).toContain('more lines in the attached file');
    expect(JSON.stringify(replies[0]!.blocks)).toContain('END');
    expect(replies[1]!.fileIds).toHaveLength(1);

    const [upload] = fake.uploads;
    expect(upload).toMatchObject({
      filename: 'rk7m2xq9d4hp-command-1.txt',
      completed: true,
      channelId: 'C0CHANNEL',
      threadTs: ts,
    });
    expect(upload!.length).toBe(Buffer.byteLength(output));
    expect(upload!.content!.toString('utf8')).toBe(output);
    expect(fake.callsTo('files.completeUploadExternal')[0]!.args).toMatchObject({
      channel_id: 'C0CHANNEL',
      thread_ts: ts,
    });
    for (const call of fake.callsTo('chat.postMessage')) expect(call.error).toBeUndefined();
  });

  it('row 54: nothing live reaches Slack from hostile output', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued', detail: '<!channel> pulling' });
    await notifier.postTranscript(
      request,
      ts,
      aTranscript({ commands: [aTranscriptCommand({ output: HOSTILE_OUTPUT })] }),
    );
    const sent = fake.everythingSent();
    expect(sent).not.toMatch(/<!(channel|here|everyone)/);
    expect(sent).not.toContain('<@U0ADMIN>');
    expect(sent).not.toMatch(/<http/);
  });

  it('row 57: msg_blocks_too_long then msg_too_long → smaller pieces; nothing lost, no error', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued' });
    fake.failNext('chat.postMessage', { error: 'msg_blocks_too_long' });
    fake.failNext('chat.postMessage', { error: 'msg_too_long' });
    const transcript = aTranscript({
      commands: [aTranscriptCommand(), aTranscriptCommand({ argv: ['df', '-h'], output: 'tmpfs 1G\n' })],
    });
    await notifier.postTranscript(request, ts, transcript);
    const posted = fake.threadReplies('C0CHANNEL', ts).flatMap((m) => m.blocks ?? []);
    const text = JSON.stringify(posted);
    expect(text).toContain('/app/server');
    expect(text).toContain('tmpfs 1G');
    expect(text).toContain('Ephemeral containers stay in the pod spec');
    expect(fake.callsTo('chat.postMessage').filter((c) => c.error)).toHaveLength(2);
  });

  it('row 57: a block Slack refuses on its own goes out as a text file', async () => {
    const request = aDebugRequest();
    const ts = await notifier.postRoot(request, { phase: 'queued' });
    fake.failNext('chat.postMessage', { error: 'invalid_blocks' }, 50);
    await notifier.postTranscript(
      request,
      ts,
      aTranscript({ commands: [aTranscriptCommand({ output: 'a < b & c\n' })] }),
    );
    const replies = fake.threadReplies('C0CHANNEL', ts);
    expect(replies.length).toBeGreaterThan(3);
    expect(replies.every((m) => m.fileIds.length === 1)).toBe(true);
    const contents = fake.uploads.map((u) => u.content!.toString('utf8')).join('\n');
    expect(contents).toContain('a < b & c');
    expect(contents).toContain('Debug transcript');
  });

  it('row 30: honours 429 Retry-After and posts exactly once', async () => {
    notifier = make({ retries: 2, minTimeout: 10, maxTimeout: 20 });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    const ts = await notifier.postRoot(aDebugRequest(), { phase: 'queued' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.messages.filter((m) => m.ts === ts)).toHaveLength(1);
    expect(fake.messages).toHaveLength(1);
  });

  it('maps a network failure to a retryable chat_unavailable', async () => {
    const dead = createSlackNotifier({
      token: 'xoxb-x',
      slackApiUrl: 'http://127.0.0.1:1/api/',
      retryConfig: { retries: 0 },
      logger: createRecordingLogger(),
    });
    const error = await dead.postRoot(aDebugRequest(), { phase: 'queued' }).catch((e: unknown) => e);
    expect(isDebugError(error) && error.code).toBe('chat_unavailable');
    expect(isDebugError(error) && error.retryable).toBe(true);
  });

  it('maps not_in_channel to a non-retryable error with a helpful message', async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const error = await notifier.postRoot(aDebugRequest(), { phase: 'queued' }).catch((e: unknown) => e);
    expect(isDebugError(error) && error.userMessage).toContain('invite');
    expect(isDebugError(error) && error.retryable).toBe(false);
  });

  it('row 27: paces new messages per channel (sustained rate, bursts allowed), other channels unaffected', async () => {
    notifier = createSlackNotifier({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      pacing: { perSecond: 20, burst: 2 },
      logger: createRecordingLogger(),
    });
    // Order, not wall-clock gaps: 12 messages in one channel at 20/s (burst 2) need ≥ 0.5 s, while a
    // message for another channel, sent at the same time, is not held behind them.
    const started = Date.now();
    let otherDoneAt = 0;
    const busy = Promise.all(
      Array.from({ length: 12 }, () => notifier.postRoot(aDebugRequest(), { phase: 'queued' })),
    );
    const other = notifier.postRoot(aDebugRequest({ channelId: 'C0OTHER' }), { phase: 'queued' }).then(() => {
      otherDoneAt = Date.now();
    });
    await Promise.all([busy, other]);
    const busyDoneAt = Date.now();
    expect(busyDoneAt - started).toBeGreaterThanOrEqual(450);
    expect(otherDoneAt).toBeLessThan(busyDoneAt);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0CHANNEL')).toHaveLength(12);
  });
});
