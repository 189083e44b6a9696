import type { WebClient } from '@slack/web-api';
import type { Approval } from '../core/approval-model.js';
import { type ApprovalCard, describeApprovalCard } from '../core/describe-approval-card.js';
import type { Logger } from '../core/ports.js';
import { renderApprovalCard } from './render-approval-card.js';
import { toChatError } from './to-chat-error.js';

export interface SlackApprovalNotifierOptions {
  client: WebClient;
  logger?: Logger;
}

/**
 * Posts and updates approval cards with direct `chat.postMessage` / `chat.update` calls: decisions are
 * rare and final, so nothing is coalesced or delayed. Failures become `DebugError('chat_unavailable')`
 * (retryable when Slack's failure is transient); rate limits are honoured by the WebClient's retries.
 */
export class SlackApprovalNotifier {
  readonly #client: WebClient;
  readonly #logger: Logger | undefined;

  constructor(options: SlackApprovalNotifierOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
  }

  /** Posts a card (in `threadTs`'s thread when given) and returns its `ts`, to remember with `attachCard`. */
  async postCard(channelId: string, card: ApprovalCard, threadTs?: string): Promise<string> {
    const message = renderApprovalCard(card);
    try {
      const result = await this.#client.chat.postMessage({
        channel: channelId,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: message.text,
        blocks: message.blocks ?? [],
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!result.ts) throw new Error('chat.postMessage returned no ts');
      this.#logger?.info({ approvalId: card.approvalId, channelId }, 'approval card posted');
      return result.ts;
    } catch (error) {
      throw toChatError(error, 'chat.postMessage');
    }
  }

  /** Replaces a posted card with its current state (buttons go once it is decided). */
  async updateCard(channelId: string, messageTs: string, card: ApprovalCard): Promise<void> {
    const message = renderApprovalCard(card);
    try {
      await this.#client.chat.update({
        channel: channelId,
        ts: messageTs,
        text: message.text,
        blocks: message.blocks ?? [],
      });
    } catch (error) {
      this.#logger?.warn({ approvalId: card.approvalId, state: card.state }, 'approval card update failed');
      throw toChatError(error, 'chat.update');
    }
  }

  /**
   * Shows `approval` as of `now` on its card, where the store says the card is (e.g. the expiry sweep's
   * `onExpired`). False when no card was attached.
   */
  async refreshCard(approval: Approval, now: Date): Promise<boolean> {
    if (!approval.card) return false;
    await this.updateCard(
      approval.card.channelId,
      approval.card.messageTs,
      describeApprovalCard(approval, now),
    );
    return true;
  }
}
