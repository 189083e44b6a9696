import type { AuditRecord } from '../core/ports.js';
import { escapeSlackText, formatInlineCode } from './escape-slack-text.js';
import { context, type SlackReply, section } from './slack-message.js';

const MAX_LINES = 40;

/** `/debug audit [id]` for approvers: the newest records, one line each, everything escaped. */
export function renderAuditTrail(records: readonly AuditRecord[], requestId?: string): SlackReply {
  const title = requestId ? `Audit trail of ${formatInlineCode(requestId)}` : 'Latest audit records';
  if (records.length === 0) {
    return {
      text: `${title}: nothing recorded.`,
      blocks: [section(`:scroll: ${title}: nothing recorded.`)],
      ephemeral: true,
    };
  }
  const lines = records.slice(0, MAX_LINES).map((r) => {
    const who = r.actorUserId ?? r.userId;
    const parts = [
      r.at,
      formatInlineCode(r.event),
      r.requestId ? formatInlineCode(r.requestId) : '',
      who ? `by ${escapeSlackText(who)}` : '',
      r.namespace ? `${escapeSlackText(r.namespace)}/${escapeSlackText(r.pod ?? '')}` : '',
      r.reason ? `— ${escapeSlackText(r.reason.slice(0, 160))}` : '',
    ];
    return parts.filter(Boolean).join(' ');
  });
  const blocks = [section(`:scroll: *${title}* (newest first)`)];
  let chunk = '';
  for (const line of lines) {
    if (chunk.length + line.length + 1 > 2800) {
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk += `${line}\n`;
  }
  if (chunk) blocks.push(section(chunk));
  if (records.length > MAX_LINES)
    blocks.push(context(`${records.length - MAX_LINES} more; use the CLI: k8s-debug-bot audit`));
  return { text: title, blocks, ephemeral: true };
}
