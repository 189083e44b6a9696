const MAX_SHOWN = 64;
const MAX_LISTED = 6;

/** A user-supplied value fit for a one-line message: control characters replaced, long values cut. */
export function showValue(value: string): string {
  const clean = value.replace(/[\p{Cc}\p{Cf}]/gu, '?');
  return clean.length > MAX_SHOWN ? `${clean.slice(0, MAX_SHOWN)}…` : clean;
}

/** `a, b, c` — at most six entries, then `…`; `none` for an empty list. */
export function listForMessage(values: readonly string[]): string {
  if (values.length === 0) return 'none';
  const shown = values.slice(0, MAX_LISTED).join(', ');
  return values.length > MAX_LISTED ? `${shown}, …` : shown;
}
