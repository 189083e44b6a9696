import { matchGlob } from './match-glob.js';

/** `prefix/` is a DNS subdomain; the name part is ≤ 63 of letters, digits, `-`, `_`, `.`, alphanumeric at both ends. */
const LABEL_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const MAX_SELECTOR_CHARS = 400;

/** One selector: `key` (the label is present) or `key=glob` (its value matches). */
export interface LabelSelector {
  key: string;
  valueGlob?: string;
}

export function parseLabelSelector(text: string): LabelSelector | undefined {
  if (text.length > MAX_SELECTOR_CHARS || /\s/.test(text)) return undefined;
  const eq = text.indexOf('=');
  const key = eq === -1 ? text : text.slice(0, eq);
  if (!LABEL_KEY.test(key)) return undefined;
  return eq === -1 ? { key } : { key, valueGlob: text.slice(eq + 1) };
}

export function isLabelSelector(text: string): boolean {
  return parseLabelSelector(text) !== undefined;
}

/** The first selector that `labels` satisfy, or undefined. Invalid selectors never match. */
export function findMatchingSelector(
  selectors: readonly string[],
  labels: Record<string, string>,
): string | undefined {
  return selectors.find((text) => {
    const selector = parseLabelSelector(text);
    if (!selector || !Object.hasOwn(labels, selector.key)) return false;
    const value = labels[selector.key]!;
    return selector.valueGlob === undefined || matchGlob(selector.valueGlob, value);
  });
}
