import { type ApproverSpec, parseUserKey, type UserRef, userKey } from './approval-model.js';
import type { ApproverDirectory } from './approval-ports.js';

/**
 * Expands configured approvers into distinct users. Bare user ids (`U…`) and group members belong to
 * `homeTeamId` (the workspace the request came from); `T…:U…` entries name another workspace.
 * Throws when a group cannot be resolved: the caller fails closed.
 */
export async function resolveApprovers(
  spec: ApproverSpec,
  homeTeamId: string,
  directory: ApproverDirectory,
): Promise<UserRef[]> {
  const groups = await Promise.all(spec.groups.map((group) => directory.membersOf(group)));
  const users = [
    ...spec.users.map((entry) => parseUserKey(entry) ?? { teamId: homeTeamId, userId: entry }),
    ...groups.flat().map((userId) => ({ teamId: homeTeamId, userId })),
  ];
  const seen = new Map<string, UserRef>();
  for (const user of users) if (user.userId !== '') seen.set(userKey(user), user);
  return [...seen.values()];
}
