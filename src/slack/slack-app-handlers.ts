import type { ApprovalDecision, UserRef } from '../core/approval-model.js';
import type { ApprovalCard } from '../core/describe-approval-card.js';
import type { SlackReply } from './slack-message.js';

/** A `/debug` invocation as the core use case sees it. `text` is what the user typed (Slack's escaping undone). */
export interface SlackCommandInput {
  text: string;
  userId: string;
  userName: string;
  teamId: string;
  channelId: string;
  /** Slack's delivery id for this invocation: the same on a redelivery, so it derives the request id. */
  triggerId: string;
  /** Where late answers go (ephemeral, a few uses within 30 minutes). */
  responseUrl: string;
  enterpriseId?: string;
}

/**
 * `@bot debug …` typed in a channel or thread (slash commands cannot be used in threads).
 * `text` follows the same grammar as `/debug`.
 */
export interface SlackMentionInput {
  /** The words after the bot's mention and `debug`: the mention removed, Slack's markup and escaping undone. */
  text: string;
  userId: string;
  /** The workspace the event was delivered for (envelope `team_id`). */
  teamId: string;
  channelId: string;
  /** The thread the mention is in, or the mention's own `ts` when it starts one: where answers go. */
  threadTs: string;
  /** Envelope `event_id`: the same on Slack's redeliveries, so it derives the request id (the core dedupes). */
  eventId: string;
  /** `X-Slack-Retry-Num` when this is a redelivery. */
  retryNum?: number;
}

/** A click on the Cancel button of a request's root message. Authorisation is the handler's job. */
export interface SlackCancelInput {
  /** The button's value; shaped like a request id, but not yet known to exist. */
  requestId: string;
  /** Who clicked. */
  userId: string;
  teamId: string;
  channelId: string;
  /** `ts` of the message the button was on: the request's root message if the click is genuine. */
  messageTs: string;
}

/**
 * A click on Approve, Deny or Cancel request of an approval card. Read from the signed payload only:
 * the clicker's ids, never a name; the approval id from the button's value (already shaped like an
 * approval id, not yet known to exist); the digest from the card's actions block id.
 */
export interface SlackApprovalDecisionInput {
  approvalId: string;
  decision: ApprovalDecision;
  clicker: UserRef;
  /** The full digest the clicked card showed; undefined when the block id did not carry one. */
  shownDigest?: string;
  /** Where the card is: a `card` in the answer replaces it in place. */
  channelId: string;
  messageTs: string;
}

/** What to do after a decision click: both parts are optional and independent. */
export interface SlackApprovalAnswer {
  /** The card as it should now look (re-rendered and `chat.update`d in place at channelId/messageTs). */
  card?: ApprovalCard;
  /**
   * Plain text for the clicker only (escaped before sending; `<@U…>` user mentions stay live), e.g.
   * "You can't approve your own request." Sent with `chat.postEphemeral`, else `response_url`.
   */
  ephemeral?: string;
}

/** What the Slack front end calls. Every handler should answer quickly: parse, policy, enqueue, signal. */
export interface SlackAppHandlers {
  onDebugCommand(input: SlackCommandInput): Promise<SlackReply>;
  /**
   * `@bot debug …`. The reply goes into the thread (or, with `ephemeral`, to the user only);
   * `undefined` posts nothing (e.g. for a redelivery already answered). Without this handler a mention
   * is answered with the usage.
   */
  onMention?(input: SlackMentionInput): Promise<SlackReply | undefined>;
  /** The Cancel button; the reply is shown to the clicker only. Without it the click is answered "not available". */
  onCancel?(input: SlackCancelInput): Promise<SlackReply>;
  /**
   * Approve / Deny / Cancel request on an approval card (e.g. `decideApproval` + `describeApprovalCard`).
   * Without it a click is answered "not available" and the card is left as it is.
   */
  onApprovalDecision?(input: SlackApprovalDecisionInput): Promise<SlackApprovalAnswer>;
}
