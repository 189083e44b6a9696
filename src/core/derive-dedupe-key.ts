import { createHash } from 'node:crypto';

/** How long a re-typed identical command maps to the first request (Slack's timeout message, then a retry). */
export const DEDUPE_WINDOW_MS = 60_000;

/**
 * Key of "the same command again": same user, same channel, same digest. The window is not part of
 * the key but the claim's TTL (see `DedupeClaims`): a time bucket in the key would split two
 * commands typed a second apart across a bucket boundary.
 */
export function deriveDedupeKey(input: {
  teamId: string;
  userId: string;
  channelId: string;
  digest: string;
}): string {
  return createHash('sha256')
    .update([input.teamId, input.userId, input.channelId, input.digest].join('\u0000'))
    .digest('hex')
    .slice(0, 40);
}
