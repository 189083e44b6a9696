import { type AcceptDeps, acceptDebugRequest, type CommandOrigin } from '../core/accept-debug-request.js';
import type { Approval } from '../core/approval-model.js';
import { cancelDebugRequest } from '../core/cancel-debug-request.js';
import type { AuditLog, AuditRecord, RequestControl } from '../core/ports.js';
import type { ParseLimits } from '../slack/parse-debug-command.js';
import { parseDebugCommand } from '../slack/parse-debug-command.js';
import { renderAuditTrail } from '../slack/render-audit.js';
import {
  renderCancelRefusedReply,
  renderDuplicateReply,
  renderPendingApprovalReply,
  renderQueuedReply,
  renderRefusedReply,
} from '../slack/render-command-reply.js';
import { renderNotice } from '../slack/render-notice.js';
import { type PresetSummary, renderPresetList, renderUsage } from '../slack/render-usage.js';
import type {
  SlackAppHandlers,
  SlackApprovalAnswer,
  SlackApprovalDecisionInput,
  SlackCommandInput,
  SlackMentionInput,
} from '../slack/slack-app-handlers.js';
import type { SlackReply } from '../slack/slack-message.js';

export interface CommandHandlerDeps extends AcceptDeps {
  audit: AuditLog;
  control: RequestControl;
  presets: PresetSummary[];
  parseLimits?: Partial<ParseLimits>;
  /** Posts the approval card for a new production request (and remembers where it is). */
  postApprovalCard?: (approval: Approval) => Promise<void>;
  /** One click on an approval card (core decideApproval, bound). */
  decideApproval?: (click: SlackApprovalDecisionInput) => Promise<SlackApprovalAnswer>;
  /** Reads the audit trail, newest first (optionally one request's). */
  readAudit?: (requestId?: string) => Promise<AuditRecord[]>;
  /** Whether this user may read the audit trail from chat (approvers). */
  mayReadAudit?: (user: { userId: string; teamId: string }) => Promise<boolean>;
  /** Approvers of a request as `teamId:userId` keys (they may cancel it too). */
  approversOf?: (requestId: string) => Promise<string[]>;
}

/** The Slack handlers: parse (pure) → use case → render. No business logic of their own. */
export function createSlackHandlers(deps: CommandHandlerDeps): SlackAppHandlers {
  async function handleText(
    text: string,
    origin: CommandOrigin,
  ): Promise<{ reply: SlackReply; status: string }> {
    const parsed = parseDebugCommand(text, deps.parseLimits);
    switch (parsed.kind) {
      case 'help':
        return { reply: renderUsage(), status: 'help' };
      case 'presets':
        return { reply: renderPresetList(deps.presets), status: 'help' };
      case 'audit': {
        const allowed = deps.mayReadAudit ? await deps.mayReadAudit(origin.requester) : false;
        if (!allowed || !deps.readAudit) {
          await deps.audit.record({
            event: 'rejected_input',
            userId: origin.requester.userId,
            teamId: origin.requester.teamId,
            channelId: origin.channelId,
            reason: 'audit trail requested by a non-approver',
          });
          return {
            reply: renderRefusedReply(
              'Only approvers can read the audit trail from Slack (operators: k8s-debug-bot audit).',
            ),
            status: 'rejected',
          };
        }
        const records = await deps.readAudit(parsed.requestId);
        return { reply: renderAuditTrail(records, parsed.requestId), status: 'help' };
      }
      case 'error':
        await deps.audit.record({
          event: 'rejected_input',
          userId: origin.requester.userId,
          teamId: origin.requester.teamId,
          channelId: origin.channelId,
          reason: parsed.message.slice(0, 200),
        });
        return { reply: renderUsage(parsed.message), status: 'rejected' };
      case 'debug': {
        const result = await acceptDebugRequest(parsed.input, origin, deps);
        if (result.status === 'queued')
          return { reply: renderQueuedReply(result.request.id), status: 'queued' };
        if (result.status === 'duplicate')
          return { reply: renderDuplicateReply(result.request.id), status: 'duplicate' };
        if (result.status === 'approval_pending') {
          if (!result.duplicate) await deps.postApprovalCard?.(result.approval);
          return {
            reply: renderPendingApprovalReply(result.request.id),
            status: result.duplicate ? 'duplicate' : 'queued',
          };
        }
        return { reply: renderRefusedReply(result.message), status: result.status };
      }
    }
  }

  return {
    async onDebugCommand(input: SlackCommandInput) {
      const origin = {
        requester: { userId: input.userId, teamId: input.teamId, userName: input.userName },
        channelId: input.channelId,
        deliveryId: input.triggerId,
      };
      return (await handleText(input.text, origin)).reply;
    },
    async onMention(input: SlackMentionInput) {
      const origin = {
        requester: { userId: input.userId, teamId: input.teamId },
        channelId: input.channelId,
        threadTs: input.threadTs,
        deliveryId: input.eventId,
      };
      const { reply, status } = await handleText(input.text, origin);
      // A redelivered event must not answer twice; a queued request answers with its own root message.
      if (status === 'duplicate') return undefined;
      return status === 'queued' ? { ...reply, ephemeral: true } : reply;
    },
    ...(deps.decideApproval ? { onApprovalDecision: deps.decideApproval } : {}),
    async onCancel(input) {
      const answer = await cancelDebugRequest(
        { requestId: input.requestId, userId: input.userId, teamId: input.teamId },
        {
          control: deps.control,
          audit: deps.audit,
          ...(deps.approversOf ? { approversOf: deps.approversOf } : {}),
        },
      );
      return answer.ok
        ? { ...renderNotice(answer.message), ephemeral: true }
        : renderCancelRefusedReply(answer.message);
    },
  };
}
