/**
 * A Slack front end for the ack benchmark, in its own process so the load generator never shares its
 * event loop: `ours` = the real bot (role bot: verify, parse, policy, one Redis script, then ack);
 * `bare` = a Bolt app that only acks; `control` = our Slack front end (the verifying front door,
 * Bolt's receiver, every listener) with a handler that only answers, so ours minus control is our
 * handler's cost. Prints `{"port":N}`.
 */
import bolt from '@slack/bolt';
import { pino } from 'pino';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/main/create-logger.js';
import { startApp } from '../src/main/start-app.js';

const [kind, prefix, secret] = process.argv.slice(2) as [string, string, string];

if (kind === 'control') {
  const { createSlackApp } = await import('../src/slack/create-slack-app.js');
  const reply = { text: 'Queued as r0000' };
  const slack = createSlackApp({
    signingSecret: secret,
    botToken: 'xoxb-bench',
    botId: 'B0',
    botUserId: 'U0',
    port: 0,
    handlers: {
      onDebugCommand: async () => reply,
      onMention: async () => undefined,
      onCancel: async () => reply,
    },
  });
  await slack.start();
  console.log(JSON.stringify({ port: slack.port }));
} else if (kind === 'bare') {
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
    // Logs as shipped (LOG_LEVEL's default, info: one audit line per ack), written synchronously to
    // /dev/null: the cost of producing each line counts, the log pipeline behind stdout does not.
    logger: createLogger(
      process.env.BENCH_LOG_LEVEL ?? 'info',
      pino.destination({ dest: '/dev/null', sync: true }) as unknown as NodeJS.WritableStream,
    ),
    slackBotId: 'B0',
    slackBotUserId: 'U0',
  });
  console.log(JSON.stringify({ port: app.port }));
}
process.on('SIGTERM', () => process.exit(0));
