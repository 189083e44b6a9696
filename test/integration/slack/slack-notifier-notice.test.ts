import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDebugError } from '../../../src/core/errors.js';
import { createSlackNotifier } from '../../../src/slack/create-slack-notifier.js';
import type { SlackNotifier } from '../../../src/slack/slack-notifier.js';
import { createRecordingLogger } from '../../fakes/slack-api/create-recording-logger.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';

describe('SlackNotifier.postNotice against the fake Slack Web API', () => {
  let fake: FakeSlack;
  let notifier: SlackNotifier;

  beforeEach(async () => {
    fake = await startFakeSlack();
    notifier = createSlackNotifier({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      pacing: { perSecond: 1000, burst: 100 },
      logger: createRecordingLogger(),
    });
  });

  afterEach(async () => {
    await notifier.flush();
    await fake.close();
  });

  it("posts a short, escaped reply in the root's thread; user mentions stay live", async () => {
    const request = aDebugRequest();
    const rootTs = await notifier.postRoot(request, { phase: 'running' });
    await notifier.postNotice(request, rootTs, 'Cancelled by <@U0BOB> <!channel>.');
    const [notice] = fake.threadReplies('C0CHANNEL', rootTs);
    expect(notice?.text).toBe('Cancelled by <@U0BOB> &lt;!channel&gt;.');
    expect(JSON.stringify(notice?.blocks)).toContain(':information_source: Cancelled by <@U0BOB>');
    expect(fake.callsTo('chat.postMessage')[1]!.args).toMatchObject({ unfurl_links: 'false' });
  });

  it('answers in the thread the request came from when the root is itself a thread reply', async () => {
    const request = aDebugRequest({ threadTs: '1699999999.000001' });
    const rootTs = await notifier.postRoot(request, { phase: 'running' });
    await notifier.postNotice(request, rootTs, 'Cancelled by <@U0BOB>.');
    expect(fake.threadReplies('C0CHANNEL', '1699999999.000001').map((m) => m.text)).toEqual([
      expect.stringContaining('Debug request rk7m2xq9d4hp'),
      'Cancelled by <@U0BOB>.',
    ]);
  });

  it("fails with chat_unavailable when Slack refuses, without Slack's text", async () => {
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const error = await notifier
      .postNotice(aDebugRequest(), '1700000001.000001', 'x')
      .catch((e: unknown) => e);
    expect(isDebugError(error) && error.code).toBe('chat_unavailable');
    expect(isDebugError(error) && error.userMessage).toContain('not a member of this channel');
  });
});
