/**
 * Matches `text` against a glob: `*` is any run of characters (`/` and `:` included, possibly none),
 * `?` exactly one; everything else is literal and case-sensitive. Iterative with one backtrack point,
 * so the cost is at most pattern length × text length: no regex, nothing exponential.
 */
export function matchGlob(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const char = pattern[p];
    if (char === '*') {
      star = p++;
      resume = t;
    } else if (char !== undefined && (char === '?' || char === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** The first of `patterns` that matches `text`, or `undefined` when none does. */
export function findMatchingGlob(patterns: readonly string[], text: string): string | undefined {
  return patterns.find((pattern) => matchGlob(pattern, text));
}
