import type { WebClient } from '@slack/web-api';
import type { DebugRequest, RequestStatus, Transcript } from '../core/model.js';
import type { ChatNotifier, Logger } from '../core/ports.js';
import { createUpdateCoalescer, type UpdateCoalescer } from './coalesce-updates.js';
import { type ChannelPacer, type ChannelPacerOptions, createChannelPacer } from './create-channel-pacer.js';
import { postInThread, uploadFileToThread } from './post-in-thread.js';
import { isFinalPhase, renderRootMessage } from './render-root-message.js';
import { type RenderTranscriptOptions, renderTranscript } from './render-transcript.js';
import { toChatError } from './to-chat-error.js';

/** What the notifier needs: a WebClient (tests point it at the fake Slack) and optional tuning. */
export interface SlackNotifierOptions {
  client: WebClient;
  logger?: Logger;
  /** Minimum time between two `chat.update` calls for one message (default 1000 ms). */
  updateIntervalMs?: number;
  /** Pace of new messages per channel (default 1/s sustained, bursts of 4), as Slack asks. */
  pacing?: ChannelPacerOptions;
  transcript?: Partial<RenderTranscriptOptions>;
}

interface RootUpdate {
  request: DebugRequest;
  rootId: string;
  status: RequestStatus;
}

/**
 * {@link ChatNotifier} over Slack's Web API. Root-message updates are coalesced (latest state wins, at
 * most one `chat.update` per message per interval, the final state always lands); new messages are paced
 * per channel; transcripts go to the root's thread, long outputs as files; Slack's size/shape refusals
 * fall back to smaller pieces, then files.
 * Rate limits (429 + Retry-After) are honoured by the WebClient's retry policy.
 */
export class SlackNotifier implements ChatNotifier {
  readonly #client: WebClient;
  readonly #logger: Logger | undefined;
  readonly #updates: UpdateCoalescer<RootUpdate>;
  readonly #transcriptOptions: Partial<RenderTranscriptOptions>;
  readonly #pacer: ChannelPacer;

  constructor(options: SlackNotifierOptions) {
    this.#client = options.client;
    this.#logger = options.logger;
    this.#transcriptOptions = options.transcript ?? {};
    this.#pacer = createChannelPacer(options.pacing);
    this.#updates = createUpdateCoalescer((_key, update) => this.#sendUpdate(update), {
      intervalMs: options.updateIntervalMs ?? 1000,
      delayFirst: true,
    });
  }

  async postRoot(request: DebugRequest, status: RequestStatus): Promise<string> {
    const message = renderRootMessage(request, status);
    await this.#pacer.acquire(request.channelId);
    try {
      const result = await this.#client.chat.postMessage({
        channel: request.channelId,
        ...(request.threadTs ? { thread_ts: request.threadTs } : {}),
        text: message.text,
        blocks: message.blocks ?? [],
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!result.ts) throw new Error('chat.postMessage returned no ts');
      return result.ts;
    } catch (error) {
      throw toChatError(error, 'chat.postMessage');
    }
  }

  /** Resolves once this state (or a newer one) is shown; rejects only when a final state could not be sent. */
  updateRoot(request: DebugRequest, rootId: string, status: RequestStatus): Promise<void> {
    const key = `${request.channelId}:${rootId}`;
    const final = isFinalPhase(status.phase);
    const sent = this.#updates.submit(key, { request, rootId, status }, final);
    // Progress is best effort (already logged); only a lost final state is the caller's problem.
    return final ? sent : sent.catch(() => undefined);
  }

  async postTranscript(request: DebugRequest, rootId: string, transcript: Transcript): Promise<void> {
    const rendered = renderTranscript(transcript, this.#transcriptOptions);
    // A root that is itself a thread reply cannot start a thread: answer in the thread it lives in.
    const thread = { channelId: request.channelId, threadTs: request.threadTs ?? rootId };
    for (const [i, message] of rendered.messages.entries()) {
      await postInThread(this.#client, thread, message, `${request.id}-transcript-${i + 1}`, this.#pacer);
    }
    for (const file of rendered.files) await uploadFileToThread(this.#client, thread, file, this.#pacer);
    this.#logger?.info(
      { requestId: request.id, messages: rendered.messages.length, files: rendered.files.length },
      'transcript posted',
    );
  }

  /** Sends pending root updates now (for shutdown). */
  flush(): Promise<void> {
    return this.#updates.flush();
  }

  async #sendUpdate({ request, rootId, status }: RootUpdate): Promise<void> {
    const message = renderRootMessage(request, status);
    try {
      await this.#client.chat.update({
        channel: request.channelId,
        ts: rootId,
        text: message.text,
        blocks: message.blocks ?? [],
      });
    } catch (error) {
      this.#logger?.warn({ requestId: request.id, phase: status.phase }, 'root message update failed');
      throw toChatError(error, 'chat.update');
    }
  }
}
