import { type ApproverSpec, parseUserKey, type UserRef } from '../core/approval-model.js';
import { formatInlineCode, formatUserMention, truncateForSlack } from './escape-slack-text.js';

/** A Slack user-group id (`S…`); only these become live `<!subteam^…>` mentions. */
const GROUP_ID = /^S[A-Z0-9]{2,30}$/;

/** How many approvers or approvals a line lists before "and N more". */
const MAX_LISTED = 12;

/** Escaped characters an id that is not well-formed may take (shown inert, in inline code). */
const MAX_ID_CHARS = 60;

/** A live group mention for a well-formed group id; handles and anything else are shown inert. */
export function formatGroupMention(group: string): string {
  return GROUP_ID.test(group)
    ? `<!subteam^${group}>`
    : formatInlineCode(truncateForSlack(group, MAX_ID_CHARS));
}

/** A configured approver user: `U…` or `T…:U…` (another workspace); the user id part is mentioned. */
export function formatApproverUser(entry: string): string {
  const ref = parseUserKey(entry);
  return formatUserMention(truncateForSlack(ref ? ref.userId : entry, MAX_ID_CHARS));
}

/** `<@U…>` for a user ref with a well-formed id (what `decideApproval`'s `mention` dependency wants). */
export function mentionSlackUser(user: UserRef): string {
  return formatUserMention(truncateForSlack(user.userId, MAX_ID_CHARS));
}

/** Joins mentions as "a, b, c and 4 more". */
export function listMentions(mentions: readonly string[], max = MAX_LISTED): string {
  if (mentions.length === 0) return '_none_';
  const shown = mentions.slice(0, max).join(', ');
  return mentions.length > max ? `${shown} and ${mentions.length - max} more` : shown;
}

/** Configured approvers (users, then groups) as mentions where their ids are well-formed. */
export function formatApprovers(spec: ApproverSpec, max = MAX_LISTED): string {
  return listMentions([...spec.users.map(formatApproverUser), ...spec.groups.map(formatGroupMention)], max);
}
