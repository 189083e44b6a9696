/**
 * The Slack adapter's public surface: what src/main wires together. Nothing outside src/slack imports @slack/*.
 */
export type { ChannelPacerOptions } from './create-channel-pacer.js';
export { type CreateSlackAppOptions, createSlackApp, type SlackApp } from './create-slack-app.js';
export {
  type CreateSlackDirectoriesOptions,
  createSlackDirectories,
  DIRECTORY_RETRY_CONFIG,
} from './create-slack-directories.js';
export {
  type CreateSlackNotifierOptions,
  createSlackApprovalNotifier,
  createSlackNotifier,
  type SlackRetryConfig,
} from './create-slack-notifier.js';
export { formatApprovers, mentionSlackUser } from './format-approvers.js';
export {
  DEFAULT_PARSE_LIMITS,
  type ParsedDebugCommand,
  type ParseLimits,
  parseDebugCommand,
} from './parse-debug-command.js';
export {
  APPROVAL_ACTION_IDS,
  APPROVAL_ACTION_PATTERN,
  APPROVAL_BLOCK_PREFIX,
  approvalBlockId,
  readApprovalBlockId,
  renderApprovalCard,
} from './render-approval-card.js';
export {
  renderApprovalClickAnswer,
  renderApprovalPendingReply,
  renderCancelRefusedReply,
  renderCancelRequestedReply,
  renderDuplicateReply,
  renderPendingApprovalReply,
  renderQueuedReply,
  renderRefusedReply,
} from './render-command-reply.js';
export { renderNotice } from './render-notice.js';
export { CANCEL_ACTION_ID, renderRootMessage } from './render-root-message.js';
export {
  type RenderedTranscript,
  type RenderTranscriptOptions,
  renderTranscript,
} from './render-transcript.js';
export { type PresetSummary, renderPresetList, renderUsage } from './render-usage.js';
export type {
  SlackAppHandlers,
  SlackApprovalAnswer,
  SlackApprovalDecisionInput,
  SlackCancelInput,
  SlackCommandInput,
  SlackMentionInput,
} from './slack-app-handlers.js';
export { SlackApprovalNotifier, type SlackApprovalNotifierOptions } from './slack-approval-notifier.js';
export {
  SlackApproverDirectory,
  type SlackDirectoryOptions,
  SlackUserDirectory,
} from './slack-directories.js';
export type { SlackBlock, SlackFile, SlackMessage, SlackReply } from './slack-message.js';
export { SlackNotifier, type SlackNotifierOptions } from './slack-notifier.js';
export { toSlackApprovalAnswer } from './to-slack-approval-answer.js';
