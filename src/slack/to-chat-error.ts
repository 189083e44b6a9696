import { ErrorCode } from '@slack/web-api';
import { DebugError } from '../core/errors.js';

/** Slack's `error` string of a failed Web API call (`msg_too_long`…), if the error carries one. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && error.code === ErrorCode.PlatformError) {
    const data = (error as { data?: { error?: unknown } }).data;
    return typeof data?.error === 'string' ? data.error : undefined;
  }
  return undefined;
}

/** Errors that mean "this payload is too big or badly shaped", answered by sending smaller pieces. */
export const SHAPE_ERRORS: ReadonlySet<string> = new Set([
  'msg_too_long',
  'msg_blocks_too_long',
  'invalid_blocks',
]);

const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

const USER_MESSAGES: Record<string, string> = {
  not_in_channel: 'The bot is not a member of this channel; invite it and try again.',
  channel_not_found: 'The bot cannot see this channel; invite it and try again.',
  is_archived: 'The channel is archived.',
  invalid_auth: 'The bot cannot sign in to Slack (its token is not valid).',
  not_authed: 'The bot cannot sign in to Slack (no token).',
  token_revoked: 'The bot cannot sign in to Slack (its token was revoked).',
  account_inactive: 'The bot cannot sign in to Slack (its account is inactive).',
  missing_scope: 'The bot lacks a Slack permission it needs; see its app manifest.',
};

/**
 * Turns a Web API failure into `DebugError('chat_unavailable')` without leaking Slack's response:
 * network errors, 5xx and Slack's transient errors are retryable; everything else is not.
 */
export function toChatError(error: unknown, action: string): DebugError {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const platformError = slackErrorCode(error);
  let retryable = false;
  let retryAfterSeconds: number | undefined;
  if (code === ErrorCode.RequestError) retryable = true;
  if (code === ErrorCode.HTTPError) retryable = ((error as { statusCode?: number }).statusCode ?? 500) >= 500;
  if (code === ErrorCode.RateLimitedError) {
    retryable = true;
    retryAfterSeconds = (error as { retryAfter?: number }).retryAfter;
  }
  if (platformError && TRANSIENT_PLATFORM_ERRORS.has(platformError)) retryable = true;
  const userMessage =
    (platformError && USER_MESSAGES[platformError]) ??
    'Slack did not accept a message from the bot; see its log.';
  const detail = `${action} failed: ${platformError ?? (typeof code === 'string' ? code : 'unknown error')}`;
  return new DebugError('chat_unavailable', userMessage, {
    retryable,
    cause: error,
    detail,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}
