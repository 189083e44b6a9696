/**
 * secretlint's engine (`@secretlint/core` + the recommended preset) as one more secret detector.
 *
 * Three quirks of secretlint 11 are handled here:
 * - its `secretlint-disable…` comments would let the scanned output switch detection off: the
 *   comment filter rule is disabled AND the directives are neutralised before linting;
 * - some rules report a range that starts at the key name and has the value's length (AWS secret
 *   keys, npm tokens): ranges are moved onto the value the rule reported in `data`;
 * - its profiler records performance marks for every lint and never frees them (about 11 KB per
 *   call in a long-running worker, and a regex per mark): its `mark` is switched off, so nothing is
 *   recorded and lints can run concurrently.
 */
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommendedPreset } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretKind, SecretRange } from './find-pattern-secrets.js';

type LintResult = Awaited<ReturnType<typeof lintSource>>;
type LintMessage = LintResult['messages'][number];

const PRESET_ID = '@secretlint/secretlint-rule-preset-recommend';
const FILTER_COMMENTS_ID = '@secretlint/secretlint-rule-filter-comments';
/** How far after the reported start a rule's value may sit (key name, quotes, separator). */
const MAX_VALUE_SHIFT = 1024;

const config: Parameters<typeof lintSource>[0]['options']['config'] = {
  rules: [{ id: PRESET_ID, rule: recommendedPreset, rules: [{ id: FILTER_COMMENTS_ID, disabled: true }] }],
};

// The profiler is a process-wide singleton used only for secretlint's own timing output.
secretLintProfiler.mark = () => undefined;

/**
 * Scans `text` with secretlint's recommended rules and returns the secrets' ranges in `text`.
 * Directive comments in the text (`// secretlint-disable`, `# secretlint-disable-next-line`) have no effect.
 */
export function findSecretlintSecrets(text: string): Promise<SecretRange[]> {
  return lintOnce(text);
}

/** Same length as the input, so every reported offset still points into the original text. */
export function neutraliseDirectives(text: string): string {
  return text.replace(/secretlint-(?=disable|enable)/gi, 'secretlint_');
}

async function lintOnce(text: string): Promise<SecretRange[]> {
  const content = neutraliseDirectives(text);
  // secretlint drops a leading BOM and reports offsets without it.
  const shift = content.charCodeAt(0) === 0xfeff ? 1 : 0;
  const result = await lintSource({
    source: { content, filePath: 'command-output.txt', ext: '.txt', contentType: 'text' },
    options: { config, noPhysicFilePath: true, maskSecrets: false },
  });
  return result.messages.map((message) => toRange(content, message, shift));
}

function toRange(content: string, message: LintMessage, shift: number): SecretRange {
  const start = message.range[0] + shift;
  const end = message.range[1] + shift;
  const kind = kindOf(message);
  const value = reportedValue(message);
  if (value === undefined || content.slice(start, end) === value) return { start, end, kind };
  const at = content.indexOf(value, start);
  if (at !== -1 && at - start <= MAX_VALUE_SHIFT) return { start: at, end: at + value.length, kind };
  return { start, end, kind };
}

/** The longest string in the message's data: the secret the rule matched. */
function reportedValue(message: LintMessage): string | undefined {
  let best: string | undefined;
  for (const value of Object.values((message.data ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && value.length >= 8 && value.length > (best?.length ?? 0)) best = value;
  }
  return best;
}

function kindOf(message: LintMessage): SecretKind {
  const rule = message.ruleId.replace('@secretlint/secretlint-rule-', '');
  if (rule === 'aws') {
    if (message.messageId === 'AWSSecretAccessKey') return 'aws-secret';
    if (message.messageId === 'AWSAccessKeyID') return 'aws-key';
    return 'secret';
  }
  if (rule === 'privatekey') return 'private-key';
  if (rule === 'slack') return 'slack-token';
  if (rule === 'github') return 'github-token';
  if (rule === 'basicauth' || rule === 'database-connection-string') return 'url-credentials';
  return 'secret';
}
