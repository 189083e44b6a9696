import { WebClient } from '@slack/web-api';
import type { Logger } from '../core/ports.js';
import { adaptLogger } from './adapt-logger.js';
import type { ChannelPacerOptions } from './create-channel-pacer.js';
import { createSlackFetch } from './create-slack-fetch.js';
import type { RenderTranscriptOptions } from './render-transcript.js';
import { SlackApprovalNotifier } from './slack-approval-notifier.js';
import { SlackNotifier } from './slack-notifier.js';

/** Retry policy for Web API calls (p-retry options); 429 waits count as attempts. */
export interface SlackRetryConfig {
  retries: number;
  factor?: number;
  minTimeout?: number;
  maxTimeout?: number;
  randomize?: boolean;
}

/** Everything src/main passes to build a notifier without importing @slack/*. */
export interface CreateSlackNotifierOptions {
  token: string;
  /** Defaults to `https://slack.com/api/`; tests pass the fake's url. */
  slackApiUrl?: string;
  /** Defaults to the WebClient's ten retries in about thirty minutes. */
  retryConfig?: SlackRetryConfig;
  /** Per-request timeout in ms (default 30 s; 0 = none). */
  timeoutMs?: number;
  logger?: Logger;
  updateIntervalMs?: number;
  pacing?: ChannelPacerOptions;
  transcript?: Partial<RenderTranscriptOptions>;
}

/** Builds the WebClient the rest of the bot never sees (Web API calls of bot and worker). */
export function createSlackWebClient(
  options: Omit<CreateSlackNotifierOptions, 'updateIntervalMs' | 'pacing' | 'transcript'>,
): WebClient {
  if (options.token.trim() === '') throw new Error('the Slack bot token is empty');
  // The timeout lives in our fetch (a socket timeout); WebClient's would add an AbortSignal timer per call.
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new WebClient(options.token, {
    fetch: createSlackFetch({ timeoutMs }),
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
    timeout: 0,
    ...(options.logger ? { logger: adaptLogger(options.logger) } : {}),
  });
}

/** A {@link SlackNotifier} with its own WebClient. */
export function createSlackNotifier(options: CreateSlackNotifierOptions): SlackNotifier {
  return new SlackNotifier({
    client: createSlackWebClient(options),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.updateIntervalMs === undefined ? {} : { updateIntervalMs: options.updateIntervalMs }),
    ...(options.pacing ? { pacing: options.pacing } : {}),
    ...(options.transcript ? { transcript: options.transcript } : {}),
  });
}

/** A {@link SlackApprovalNotifier} (approval cards) with its own WebClient. */
export function createSlackApprovalNotifier(
  options: Omit<CreateSlackNotifierOptions, 'updateIntervalMs' | 'pacing' | 'transcript'>,
): SlackApprovalNotifier {
  return new SlackApprovalNotifier({
    client: createSlackWebClient(options),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}
