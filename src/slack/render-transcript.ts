import type { Transcript } from '../core/model.js';
import {
  escapeSlackText,
  formatInlineCode,
  formatUserMention,
  truncateForSlack,
} from './escape-slack-text.js';
import { packBlocks } from './pack-blocks.js';
import { renderCommandRun } from './render-command-run.js';
import {
  context,
  mrkdwn,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackFile,
  type SlackMessage,
  section,
} from './slack-message.js';

/** Budgets for the transcript; the defaults keep every message well inside Slack's limits. */
export interface RenderTranscriptOptions {
  /** Escaped characters of one command's output shown inline in full (default 2800; a section holds 3000). */
  inlineOutputChars: number;
  /** Escaped characters of the head/tail preview beside a file (default 1500). */
  previewChars: number;
  /** Blocks per message (default 50, Slack's maximum). */
  maxBlocksPerMessage: number;
  /** Characters of block text per message (default 10,000). */
  maxTextCharsPerMessage: number;
}

export const DEFAULT_TRANSCRIPT_OPTIONS: RenderTranscriptOptions = {
  inlineOutputChars: 2800,
  previewChars: 1500,
  maxBlocksPerMessage: SLACK_LIMITS.blocksPerMessage,
  maxTextCharsPerMessage: SLACK_LIMITS.textPerMessage,
};

/** What to post in the thread: messages in order, then files with the full text of long outputs. */
export interface RenderedTranscript {
  messages: SlackMessage[];
  files: SlackFile[];
}

const OUTCOME_EMOJI: Record<Transcript['outcome'], string> = {
  succeeded: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

function code(value: string | undefined, max = 500): string {
  return value === undefined || value === '' ? '_unknown_' : formatInlineCode(truncateForSlack(value, max));
}

function renderHeader(t: Transcript): SlackBlock[] {
  const where = [t.cluster, t.namespace, t.pod]
    .filter((part) => part !== undefined && part !== '')
    .join(' / ');
  const shown = t.approvers.slice(0, 20).map(formatUserMention).join(', ');
  const more = t.approvers.length > 20 ? ` and ${t.approvers.length - 20} more` : '';
  const approvers = t.approvers.length === 0 ? '_not required_' : shown + more;
  const fields = [
    `*Requested by*\n${formatUserMention(t.requester.userId)}`,
    `*Approved by*\n${approvers}`,
    `*Pod*\n${code(where)}`,
    `*Target container*\n${code(t.targetContainer)}`,
    `*Image*\n${code(t.image, 600)}`,
    `*Image ID*\n${code(t.imageId, 600)}`,
    `*Profile*\n${code(t.profile)}`,
    `*Debug container*\n${code(t.containerName)}`,
  ];
  const blocks: SlackBlock[] = [
    section(
      `${OUTCOME_EMOJI[t.outcome]} *Debug transcript* ${formatInlineCode(t.requestId)} — *${t.outcome}*`,
    ),
    { type: 'section', fields: fields.map((f) => mrkdwn(f)) },
  ];
  if (t.reason) blocks.push(section(`*Why:* ${escapeSlackText(truncateForSlack(t.reason, 2500))}`));
  if (t.notes.length > 0) {
    blocks.push(
      context(
        ...t.notes
          .slice(0, SLACK_LIMITS.contextElements)
          .map((n) => escapeSlackText(truncateForSlack(n, 500))),
      ),
    );
  }
  if (t.commands.length === 0) blocks.push(section('_No command ran._'));
  return blocks;
}

function renderFooter(t: Transcript): SlackBlock[] {
  const n = t.ourContainersInPod;
  const carried =
    `:package: Pod ${formatInlineCode(t.pod)} now carries ${n} debug container${n === 1 ? '' : 's'} added by this bot. ` +
    'Ephemeral containers stay in the pod spec until the pod is replaced.';
  const redacted =
    t.redactions === 0
      ? ':lock: No secrets were redacted.'
      : `:lock: ${t.redactions} secret${t.redactions === 1 ? ' was' : 's were'} redacted from the output.`;
  return [{ type: 'divider' }, context(carried, redacted)];
}

/**
 * Renders a transcript (already redacted and sanitised) as Block Kit messages within Slack's limits.
 * Pure. Every user- and cluster-derived string is escaped; outputs sit in code blocks whose fences cannot
 * be closed from inside; long outputs become files with a preview inline.
 */
export function renderTranscript(
  transcript: Transcript,
  options: Partial<RenderTranscriptOptions> = {},
): RenderedTranscript {
  const opts = { ...DEFAULT_TRANSCRIPT_OPTIONS, ...options };
  const files: SlackFile[] = [];
  const groups: SlackBlock[][] = [renderHeader(transcript)];
  for (const [index, command] of transcript.commands.entries()) {
    const rendered = renderCommandRun(command, index, transcript.requestId, opts);
    groups.push([{ type: 'divider' }, ...rendered.blocks]);
    if (rendered.file) files.push(rendered.file);
  }
  groups.push(renderFooter(transcript));

  const packed = packBlocks(groups, {
    maxBlocks: opts.maxBlocksPerMessage,
    maxTextChars: opts.maxTextCharsPerMessage,
  });
  const base = `Debug transcript ${transcript.requestId}: ${transcript.outcome}`;
  const messages = packed.map((blocks, i) => ({
    text: escapeSlackText(packed.length === 1 ? base : `${base} (part ${i + 1} of ${packed.length})`),
    blocks,
  }));
  return { messages, files };
}
