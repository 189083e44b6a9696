import { PROFILE_NAMES } from '../core/model.js';
import {
  escapeSlackText,
  formatCodeBlock,
  formatInlineCode,
  quoteArgv,
  truncateForSlack,
} from './escape-slack-text.js';
import { context, type SlackBlock, type SlackMessage, type SlackReply, section } from './slack-message.js';

const GRAMMAR = [
  '/debug <target> [-n NAMESPACE] [--image IMAGE] [-c CONTAINER] [--profile PROFILE]',
  '       [--preset NAME] [--reason "why"] [-- COMMAND ARGS… [-- COMMAND ARGS…]]',
  '/debug -l key=value[,key=value] [options] -- COMMAND ARGS…',
  '/debug help | presets | audit [REQUEST-ID]',
].join('\n');

const EXAMPLES = [
  '/debug checkout-7d9f -n shop --image busybox:1.36 -- ps auxww',
  '/debug deploy/web -n shop -- ss -tlnp -- cat /etc/resolv.conf',
  "/debug web-1 -n shop -- sh -c 'ps aux | grep java'",
  '/debug -l app=web -n shop --preset dns',
].join('\n');

/**
 * The `/debug help` text; with `problem`, the parse error is shown first and the reply is marked
 * for the user only (a mistake is nobody else's business in a thread).
 */
export function renderUsage(problem?: string): SlackReply {
  const blocks: SlackBlock[] = [];
  if (problem !== undefined) {
    blocks.push(section(`:warning: ${escapeSlackText(truncateForSlack(problem, 1000))}`));
  }
  blocks.push(
    section(`*Usage*\n${formatCodeBlock(GRAMMAR)}`),
    section(
      [
        '*Target*: `NAME` (a pod), `pod/NAME`, `deploy/NAME`, `sts/NAME`, `ds/NAME`, or `-l key=value` to pick a pod by labels.',
        `*Profile*: ${PROFILE_NAMES.map((p) => formatInlineCode(p)).join(', ')} (as \`kubectl debug --profile\`).`,
        '*Commands*: each `--` starts a new command. Words are split like a shell splits them, but nothing is ' +
          "interpreted: `;`, `|`, `$(…)` are passed as plain words. For a pipe, write `-- sh -c '… | …'`.",
        '*In a thread*: slash commands do not work there, so mention the bot and write `debug` and the same ' +
          'words: `@bot debug web-1 -n shop -- ps aux`.',
      ].join('\n'),
    ),
    section(`*Examples*\n${formatCodeBlock(EXAMPLES)}`),
    context('The debug container stays in the pod spec until the pod is replaced; it cannot be removed.'),
  );
  const text = problem === undefined ? 'How to use /debug' : `Could not read that: ${problem}`;
  const message = { text: escapeSlackText(truncateForSlack(text, 1000)), blocks };
  return problem === undefined ? message : { ...message, ephemeral: true };
}

/** A preset as configured: a name, what it is for, and the commands it runs. */
export interface PresetSummary {
  name: string;
  description?: string;
  commands: string[][];
}

/** The `/debug presets` reply. */
export function renderPresetList(presets: readonly PresetSummary[]): SlackMessage {
  if (presets.length === 0)
    return { text: 'No presets are configured.', blocks: [section('No presets are configured.')] };
  const shown = presets.slice(0, 40);
  const blocks = shown.map((preset) => {
    const about = preset.description
      ? ` — ${escapeSlackText(truncateForSlack(preset.description, 300))}`
      : '';
    const lines = preset.commands.map((argv) => `$ ${quoteArgv(argv)}`).join('\n');
    return section(
      `*${formatInlineCode(preset.name)}*${about}\n${formatCodeBlock(truncateForSlack(lines, 2000))}`,
    );
  });
  if (presets.length > shown.length) blocks.push(context(`…and ${presets.length - shown.length} more.`));
  return { text: `${presets.length} presets: use /debug TARGET --preset NAME`, blocks };
}
