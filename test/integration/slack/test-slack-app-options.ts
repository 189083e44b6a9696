import type { CreateSlackAppOptions } from '../../../src/slack/create-slack-app.js';
import { createRecordingLogger } from '../../fakes/slack-api/create-recording-logger.js';
import type { FakeSlack } from '../../fakes/slack-api/index.js';

/** The options every Bolt-receiver test shares: the fake Slack, fixed bot ids (no auth.test), a free port. */
export function testSlackAppOptions(
  fake: FakeSlack,
  signingSecret: string,
): Omit<CreateSlackAppOptions, 'handlers'> {
  return {
    signingSecret,
    botToken: fake.token,
    slackApiUrl: fake.url,
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    retryConfig: { retries: 0 },
    port: 0,
    host: '127.0.0.1',
    logger: createRecordingLogger(),
  };
}
