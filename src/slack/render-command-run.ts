import type { TranscriptCommand } from '../core/model.js';
import { buildOutputPreview } from './build-output-preview.js';
import {
  escapedLength,
  formatCodeBlock,
  formatInlineCode,
  quoteArgv,
  truncateForSlack,
  truncateText,
} from './escape-slack-text.js';
import { context, type SlackBlock, type SlackFile, section } from './slack-message.js';

/** Budgets for one command's output. */
export interface CommandRenderBudget {
  /** Escaped characters of output shown inline in full; beyond this the output becomes a file. */
  inlineOutputChars: number;
  /** Escaped characters of the head/tail preview shown next to a file. */
  previewChars: number;
}

/** `1.2 s`, `850 ms`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `512 B`, `12.3 KiB`, `5.0 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function describeExit(command: TranscriptCommand): string {
  if (command.exitCode === undefined) return ':grey_question: no exit code (did not finish)';
  if (command.exitCode === 0) return ':white_check_mark: exit 0';
  return `:warning: exit ${command.exitCode}`;
}

function describeRun(command: TranscriptCommand): string {
  const parts = [describeExit(command)];
  if (command.durationMs !== undefined) parts.push(formatDuration(command.durationMs));
  parts.push(formatBytes(command.outputBytes));
  const lines = [parts.join(' · ')];
  if (command.truncated) {
    lines.push(`:scissors: Output truncated at ${formatBytes(command.outputBytes)}: the rest was not read.`);
  }
  if (command.binary) lines.push(':package: Binary output: showing a hex preview.');
  return lines.join('\n');
}

/**
 * One command of a transcript: its argv (quoted as a shell would need it, escaped), exit code, duration,
 * notices and output. Output over the inline budget becomes a file plus a head/tail preview.
 */
export function renderCommandRun(
  command: TranscriptCommand,
  index: number,
  requestId: string,
  budget: CommandRenderBudget,
): { blocks: SlackBlock[]; file?: SlackFile } {
  const number = index + 1;
  const argvText = formatInlineCode(truncateForSlack(`$ ${quoteArgv(command.argv)}`, 1500));
  const blocks: SlackBlock[] = [section(`*Command ${number}* ${argvText}\n${describeRun(command)}`)];

  if (command.output === '') {
    blocks.push(section('_(no output)_'));
    return { blocks };
  }
  if (escapedLength(command.output) + 8 <= budget.inlineOutputChars) {
    blocks.push(section(formatCodeBlock(command.output)));
    return { blocks };
  }

  const filename = `${requestId}-command-${number}.txt`;
  const preview = buildOutputPreview(command.output, budget.previewChars);
  blocks.push(
    section(formatCodeBlock(preview.text)),
    context(
      `Showing the first ${preview.headLines} and last ${preview.tailLines} of ${preview.totalLines} lines; ` +
        `the full output (${formatBytes(command.outputBytes)}) ` +
        `is in the file ${formatInlineCode(filename)} in this thread.`,
    ),
  );
  const title = truncateText(`Command ${number}: ${quoteArgv(command.argv)}`, 200);
  return { blocks, file: { filename, content: command.output, title } };
}
