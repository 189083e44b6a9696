import { escapedLength, formatCodeBlock, quoteArgv, truncateForSlack } from './escape-slack-text.js';
import { type SlackBlock, section } from './slack-message.js';

/** Budgets for the argv shown on an approval card (escaped characters). */
export interface ApprovalCommandBudget {
  /** One argv line; longer ones are cut with `…` and a note. */
  perCommand: number;
  /** One section's code block content (Slack allows 3000 characters of section text). */
  perSection: number;
  /** All commands together; commands past it are not shown (a note says how many). */
  total: number;
  /** Sections the commands may use (Slack allows 50 blocks per message). */
  maxSections: number;
}

export const DEFAULT_APPROVAL_COMMAND_BUDGET: ApprovalCommandBudget = {
  perCommand: 1500,
  perSection: 2800,
  total: 4000,
  maxSections: 8,
};

/** Invisible or direction-changing characters that could make one command look like another. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
/** What the card shows with stand-ins: control characters (not tab), runs of ``` and {@link INVISIBLE}. */
const NEEDS_STAND_IN =
  /[\u0000-\u0008\u000A-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|`{3,}/;

/**
 * One argv as a shell would need it typed, on one line: control characters, line breaks and invisible
 * characters are shown as visible stand-ins, so no argument can pass for a second command.
 */
export function showArgv(argv: readonly string[]): string {
  const quoted = quoteArgv(argv)
    .replace(/\n/g, '\u240A')
    .replace(
      INVISIBLE,
      (c) => `\u27E6U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}\u27E7`,
    );
  return `$ ${quoted}`;
}

/** True when the card shows this argv with stand-ins (so the approver is told). */
function needsStandIns(argv: readonly string[]): boolean {
  return argv.some((word) => NEEDS_STAND_IN.test(word));
}

export interface RenderedApprovalCommands {
  blocks: SlackBlock[];
  /** Commands cut to fit. */
  shortened: number;
  /** Commands not shown at all. */
  omitted: number;
  /** Some argv is shown with visible stand-ins for invisible or special characters. */
  standIns: boolean;
}

/**
 * The commands of an approval card: every argv on its own `$ ` line, escaped, inside code blocks whose
 * fences the argv cannot close, packed into as few sections as Slack's limits allow.
 */
export function renderApprovalCommands(
  commands: readonly string[][],
  heading: string,
  budget: ApprovalCommandBudget = DEFAULT_APPROVAL_COMMAND_BUDGET,
): RenderedApprovalCommands {
  if (commands.length === 0)
    return { blocks: [section(`${heading}\n_no commands_`)], shortened: 0, omitted: 0, standIns: false };
  const chunks: string[][] = [[]];
  let chunkLength = 0;
  let total = 0;
  let shortened = 0;
  let shown = 0;
  const perSection = Math.min(budget.perSection, 3000 - heading.length - 10);
  for (const argv of commands) {
    const full = showArgv(argv);
    const line = truncateForSlack(full, Math.min(budget.perCommand, perSection));
    const length = escapedLength(line) + 1;
    if (total + length > budget.total) break;
    if (chunkLength + length > perSection) {
      if (chunks.length >= budget.maxSections) break;
      chunks.push([]);
      chunkLength = 0;
    }
    chunks.at(-1)!.push(line);
    chunkLength += length;
    total += length;
    shown++;
    if (line !== full) shortened++;
  }
  const blocks = chunks
    .filter((lines) => lines.length > 0)
    .map((lines, i) => {
      const code = formatCodeBlock(lines.join('\n'));
      return section(i === 0 ? `${heading}\n${code}` : code);
    });
  return {
    blocks: blocks.length > 0 ? blocks : [section(`${heading}\n_too long to show here_`)],
    shortened,
    omitted: commands.length - shown,
    standIns: commands.some((argv) => needsStandIns(argv)),
  };
}
