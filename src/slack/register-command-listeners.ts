import type { App, SlashCommand } from '@slack/bolt';
import { toDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { decodeSlackText } from './escape-slack-text.js';
import { renderRefusedReply, renderStillWorkingReply } from './render-command-reply.js';
import type { SlackAppHandlers, SlackCommandInput } from './slack-app-handlers.js';
import type { SlackReply } from './slack-message.js';

export type { SlackAppHandlers, SlackCommandInput } from './slack-app-handlers.js';

export interface CommandListenerOptions {
  handlers: SlackAppHandlers;
  /** Default `/debug`. */
  commandName?: string;
  /** How long to wait for the handler before acking "still working" (default 2500 ms; Slack allows 3 s). */
  ackTimeoutMs?: number;
  logger?: Logger;
}

type Settled<T> =
  | { state: 'fulfilled'; value: T }
  | { state: 'rejected'; error: unknown }
  | { state: 'pending' };

/** The promise's outcome, or `pending` after `ms`: one timer and one reaction, no race. */
function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ state: 'pending' }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ state: 'fulfilled', value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ state: 'rejected', error });
      },
    );
  });
}

function ephemeral(reply: SlackReply) {
  return {
    response_type: 'ephemeral' as const,
    text: reply.text,
    ...(reply.blocks ? { blocks: reply.blocks } : {}),
  };
}

function toCommandInput(command: SlashCommand): SlackCommandInput {
  return {
    text: decodeSlackText(command.text ?? ''),
    userId: command.user_id,
    userName: command.user_name,
    teamId: command.team_id,
    channelId: command.channel_id,
    triggerId: command.trigger_id,
    responseUrl: command.response_url,
    ...(command.enterprise_id ? { enterpriseId: command.enterprise_id } : {}),
  };
}

/**
 * The `/debug` listener: hands the command to the use case and acks exactly once with its reply.
 * If the handler is slower than `ackTimeoutMs`, it acks "still working" and sends the real reply
 * through `response_url` when it arrives. A thrown error becomes its safe `userMessage`, never its text.
 */
export function registerCommandListeners(app: App, options: CommandListenerOptions): void {
  const ackTimeoutMs = options.ackTimeoutMs ?? 2500;
  app.command(options.commandName ?? '/debug', async ({ command, ack, respond }) => {
    const input = toCommandInput(command);
    const answer = Promise.resolve().then(() => options.handlers.onDebugCommand(input));
    const first = await settleWithin(answer, ackTimeoutMs);
    if (first.state === 'fulfilled') return ack(ephemeral(first.value));
    if (first.state === 'rejected') {
      const error = toDebugError(first.error);
      options.logger?.error({ err: error, code: error.code }, 'debug command handler failed');
      return ack(ephemeral(renderRefusedReply(error.userMessage)));
    }
    await ack(ephemeral(renderStillWorkingReply()));
    let late: SlackReply;
    try {
      late = await answer;
    } catch (thrown) {
      const error = toDebugError(thrown);
      options.logger?.error({ err: error, code: error.code }, 'debug command handler failed after ack');
      late = renderRefusedReply(error.userMessage);
    }
    try {
      await respond(ephemeral(late));
    } catch (error) {
      options.logger?.warn({ err: toDebugError(error).code }, 'late reply via response_url failed');
    }
  });
}
