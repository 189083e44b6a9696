import type { ApproverDirectory } from './approval-ports.js';
import type { Clock } from './ports.js';

/**
 * Caches group members for `ttlMs` (Slack's `usergroups.users.list` is rate tier 2). Concurrent
 * lookups of one group share a call; failures are not cached, so the next request asks again.
 */
export function cacheApproverDirectory(
  directory: ApproverDirectory,
  options: { ttlMs: number; clock: Clock },
): ApproverDirectory {
  const cache = new Map<string, { expires: number; members: Promise<string[]> }>();
  return {
    membersOf(groupId) {
      const now = options.clock.now().getTime();
      const hit = cache.get(groupId);
      if (hit && hit.expires > now) return hit.members;
      const members = directory.membersOf(groupId);
      cache.set(groupId, { expires: now + options.ttlMs, members });
      members.catch(() => {
        if (cache.get(groupId)?.members === members) cache.delete(groupId);
      });
      return members;
    },
  };
}
