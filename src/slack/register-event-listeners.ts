import type { App } from '@slack/bolt';
import type { Logger } from '../core/ports.js';
import { renderUsage } from './render-usage.js';

/**
 * `app_mention`: slash commands cannot be typed in threads, so a mention answers with the usage in the
 * mention's thread. Bolt acks events before listeners run; a failure here is only logged.
 */
export function registerEventListeners(app: App, options: { logger?: Logger } = {}): void {
  app.event('app_mention', async ({ event, client }) => {
    const usage = renderUsage();
    try {
      await client.chat.postMessage({
        channel: event.channel,
        thread_ts: event.thread_ts ?? event.ts,
        text: usage.text,
        blocks: usage.blocks ?? [],
        unfurl_links: false,
      });
    } catch (error) {
      options.logger?.warn({ channelId: event.channel, err: String(error) }, 'usage reply to mention failed');
    }
  });
}
