import { type AcceptDeps, acceptDebugRequest } from '../core/accept-debug-request.js';
import type { AuditLog } from '../core/ports.js';
import type { SlackCommandInput } from '../slack/register-command-listeners.js';
import type { ParseLimits } from '../slack/parse-debug-command.js';
import { parseDebugCommand } from '../slack/parse-debug-command.js';
import {
  renderDuplicateReply,
  renderQueuedReply,
  renderRefusedReply,
} from '../slack/render-command-reply.js';
import { type PresetSummary, renderPresetList, renderUsage } from '../slack/render-usage.js';
import type { SlackReply } from '../slack/slack-message.js';

export interface CommandHandlerDeps extends AcceptDeps {
  audit: AuditLog;
  presets: PresetSummary[];
  parseLimits?: Partial<ParseLimits>;
}

/** `/debug` text → ephemeral reply: parse (pure) → accept (policy + enqueue) → render. */
export function createDebugCommandHandler(deps: CommandHandlerDeps) {
  return async function onDebugCommand(input: SlackCommandInput): Promise<SlackReply> {
    const parsed = parseDebugCommand(input.text, deps.parseLimits);
    switch (parsed.kind) {
      case 'help':
        return renderUsage();
      case 'presets':
        return renderPresetList(deps.presets);
      case 'audit':
        return renderRefusedReply('Reading the audit trail from Slack is not available yet; use the Redis stream (see README).');
      case 'error':
        await deps.audit.record({
          event: 'rejected_input',
          userId: input.userId,
          teamId: input.teamId,
          channelId: input.channelId,
          reason: parsed.message.slice(0, 200),
        });
        return renderUsage(parsed.message);
      case 'debug': {
        const result = await acceptDebugRequest(
          parsed.input,
          {
            requester: { userId: input.userId, teamId: input.teamId, userName: input.userName },
            channelId: input.channelId,
            deliveryId: input.triggerId,
          },
          deps,
        );
        if (result.status === 'queued') return renderQueuedReply(result.request.id);
        if (result.status === 'duplicate') return renderDuplicateReply(result.request.id);
        return renderRefusedReply(result.message);
      }
    }
  };
}
