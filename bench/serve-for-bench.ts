/**
 * A Slack front end for the ack benchmark, in its own process so the load generator never shares its
 * event loop: `ours` = the real bot (role bot: parse, policy, Redis claim + BullMQ add, then ack);
 * `bare` = a Bolt app on the same receiver that only acks. Prints `{"port":N}` when listening.
 */
import bolt from '@slack/bolt';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/main/create-logger.js';
import { startApp } from '../src/main/start-app.js';

const [kind, prefix, secret] = process.argv.slice(2) as [string, string, string];

if (kind === 'bare') {
  const app = new bolt.App({
    signingSecret: secret,
    token: 'xoxb-bench',
    botId: 'B0',
    botUserId: 'U0',
    tokenVerificationEnabled: false,
  });
  app.command('/debug', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: 'ok' });
  });
  const server = (await app.start(0)) as { address(): { port: number } };
  console.log(JSON.stringify({ port: server.address().port }));
} else {
  const config = loadConfig({
    role: 'bot',
    env: {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: secret,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PORT: '0',
      CONFIG_FILE: 'config/default.yaml',
    },
  });
  config.queue.prefix = prefix;
  const app = await startApp(config, {
    logger: createLogger('silent'),
    slackBotId: 'B0',
    slackBotUserId: 'U0',
  });
  console.log(JSON.stringify({ port: app.port }));
}
process.on('SIGTERM', () => process.exit(0));
