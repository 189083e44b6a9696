import { findPatternSecrets, type SecretKind, type SecretRange } from './find-pattern-secrets.js';
import { findSecretlintSecrets } from './find-secretlint-secrets.js';

export type { SecretKind, SecretRange } from './find-pattern-secrets.js';

/** Redacted text and how many secrets were masked in it. */
export interface RedactionResult {
  text: string;
  count: number;
}

/** Shown instead of the text when the secret scanner itself failed: fail closed, never post unscanned text. */
export const WITHHELD_TEXT = '[output withheld: the secret scanner failed]';

/** Shorter than the shortest value any detector reports (`password=` pairs need 9 characters or more). */
const MIN_SECRET_CHARS = 8;

/**
 * Masks secrets in untrusted text with secretlint's recommended rules plus our own patterns (AWS keys,
 * PEM private keys, JWTs, bearer/authorization values, Slack and GitHub tokens, `password=`-style pairs,
 * URL credentials). Overlapping findings are merged; each merged range counts once and becomes
 * `[REDACTED:<kind>]` (`[REDACTED]` when the kind is generic). Linear in the text's length.
 */
export async function redactSecrets(text: string): Promise<RedactionResult> {
  // Nothing this short is a secret any rule would report; skipping the engine keeps argv words cheap.
  if (text.length < MIN_SECRET_CHARS) return { text, count: 0 };
  let engineRanges: SecretRange[];
  try {
    engineRanges = await findSecretlintSecrets(text);
  } catch {
    return { text: WITHHELD_TEXT, count: 0 };
  }
  const ranges = mergeSecretRanges([...findPatternSecrets(text), ...engineRanges]);
  return { text: applyRanges(text, ranges), count: ranges.length };
}

/** The marker that replaces a secret of this kind. */
export function redactionMarker(kind: SecretKind): string {
  return kind === 'secret' ? '[REDACTED]' : `[REDACTED:${kind}]`;
}

/**
 * Sorts and merges overlapping ranges (touching ranges stay separate secrets). A merged range keeps
 * the most specific kind among its parts; ties go to the earliest.
 */
export function mergeSecretRanges(ranges: SecretRange[]): SecretRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SecretRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start < last.end) {
      last.end = Math.max(last.end, range.end);
      if (specificity(range.kind) > specificity(last.kind)) last.kind = range.kind;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

function specificity(kind: SecretKind): number {
  if (kind === 'secret') return 0;
  if (kind === 'password') return 1;
  return 2;
}

function applyRanges(text: string, ranges: SecretRange[]): string {
  if (ranges.length === 0) return text;
  const parts: string[] = [];
  let cursor = 0;
  for (const range of ranges) {
    parts.push(text.slice(cursor, range.start), redactionMarker(range.kind));
    cursor = range.end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}
