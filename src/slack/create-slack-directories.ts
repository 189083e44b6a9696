import type { ApproverDirectory, UserDirectory } from '../core/approval-ports.js';
import type { Logger } from '../core/ports.js';
import { createSlackWebClient, type SlackRetryConfig } from './create-slack-notifier.js';
import { SlackApproverDirectory, SlackUserDirectory } from './slack-directories.js';

/** Everything src/main passes to look up user groups and profiles without importing @slack/*. */
export interface CreateSlackDirectoriesOptions {
  token: string;
  /** Defaults to `https://slack.com/api/`; tests pass the fake's url. */
  slackApiUrl?: string;
  /**
   * Default: 2 quick retries. These lookups sit in the path of a `/debug` command, so the WebClient's
   * default (ten retries in about thirty minutes) would hold a request far too long.
   */
  retryConfig?: SlackRetryConfig;
  /** Per-request timeout in ms (default 10 s). */
  timeoutMs?: number;
  /** Sent as `team_id` with user-group calls (org-wide apps on Enterprise Grid). */
  teamId?: string;
  /** How long a `@handle` → group id mapping is kept (default 60 s). */
  handleTtlMs?: number;
  logger?: Logger;
}

export const DIRECTORY_RETRY_CONFIG: SlackRetryConfig = {
  retries: 2,
  factor: 2,
  minTimeout: 300,
  maxTimeout: 2000,
};

/**
 * The two Slack-backed directories of the approval flow, sharing one WebClient: `approvers` (user-group
 * members, `usergroups:read`) and `users` (profile emails, `users:read.email`).
 */
export function createSlackDirectories(options: CreateSlackDirectoriesOptions): {
  approvers: ApproverDirectory;
  users: UserDirectory;
} {
  const client = createSlackWebClient({
    token: options.token,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
    retryConfig: options.retryConfig ?? DIRECTORY_RETRY_CONFIG,
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    approvers: new SlackApproverDirectory({
      client,
      ...(options.teamId ? { teamId: options.teamId } : {}),
      ...(options.handleTtlMs === undefined ? {} : { handleTtlMs: options.handleTtlMs }),
    }),
    users: new SlackUserDirectory({ client }),
  };
}
