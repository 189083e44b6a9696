/**
 * Our own secret detectors, next to secretlint's. Every pattern is written to run in linear time on
 * untrusted output: quantifiers are bounded, adjacent runs use disjoint character classes, and match
 * starts are anchored by a look-behind so a long run is scanned from its beginning only.
 */

/** What was found; the marker in the redacted text names it (`[REDACTED:aws-key]`). */
export type SecretKind =
  | 'aws-key'
  | 'aws-secret'
  | 'private-key'
  | 'jwt'
  | 'bearer'
  | 'slack-token'
  | 'github-token'
  | 'password'
  | 'url-credentials'
  | 'secret';

/** Half-open range `[start, end)` of a secret in the scanned text. */
export interface SecretRange {
  start: number;
  end: number;
  kind: SecretKind;
}

interface Detector {
  kind: SecretKind;
  /** Global; with the `d` flag when `group` is set. */
  pattern: RegExp;
  /** Capture groups holding the value (first one that matched wins); whole match when absent. */
  groups?: number[];
  /** Extra check on the value, e.g. to skip placeholders. */
  accept?: (value: string) => boolean;
}

const PLACEHOLDER =
  /^(?:\*+|x+|<[^<>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|none|null|nil|true|false|undefined|redacted|\[redacted.*)$/i;

function isNotPlaceholder(value: string): boolean {
  return !PLACEHOLDER.test(value);
}

/** Opaque tokens carry digits or punctuation; plain words after "bearer" are prose. */
function looksLikeToken(value: string): boolean {
  return value.length >= 20 || /[0-9._~+/=-]/.test(value);
}

const PAIR_KEYS =
  'password|passwd|passphrase|secret|token|api[_.-]?key|access[_.-]?key|secret[_.-]?key|private[_.-]?key';
const PAIR_VALUE = String.raw`(?:"([^"\r\n]{1,1024})"|'([^'\r\n]{1,1024})'|([^\s"',;&]{1,1024}))`;

const DETECTORS: Detector[] = [
  {
    kind: 'aws-key',
    pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    kind: 'aws-secret',
    pattern:
      /(?<![A-Za-z0-9])(?:aws)?[_.-]?secret[_.-]?access[_.-]?key["']?[ \t]{0,8}(?:=>|[:=])[ \t]{0,8}["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/dgi,
    groups: [1],
  },
  {
    kind: 'jwt',
    pattern:
      /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,16384}\.eyJ[A-Za-z0-9_-]{4,65536}\.[A-Za-z0-9_-]{0,16384}/g,
  },
  {
    kind: 'bearer',
    pattern:
      /(?<![A-Za-z0-9])(?:proxy-)?authorization["']?[ \t]{0,8}[:=][ \t]{0,8}["']?(?:(?:bearer|basic|digest|token|negotiate|bot)[ \t]{1,8})?([^\s"',;]{4,8192})/dgi,
    groups: [1],
    accept: isNotPlaceholder,
  },
  {
    kind: 'bearer',
    pattern: /(?<![A-Za-z0-9])bearer[ \t]{1,8}([A-Za-z0-9._~+/=-]{8,8192})/dgi,
    groups: [1],
    accept: looksLikeToken,
  },
  {
    kind: 'slack-token',
    pattern: /(?<![A-Za-z0-9])(?:xoxe\.)?(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,512}/g,
  },
  {
    kind: 'slack-token',
    pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,256}/g,
  },
  {
    kind: 'github-token',
    pattern:
      /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g,
  },
  {
    kind: 'password',
    pattern: new RegExp(
      String.raw`(?:${PAIR_KEYS})(?![A-Za-z0-9_.-])["']?[ \t]{0,8}(?:=>|[:=])[ \t]{0,8}${PAIR_VALUE}`,
      'dgi',
    ),
    groups: [1, 2, 3],
    accept: isNotPlaceholder,
  },
  {
    kind: 'url-credentials',
    pattern: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,256}:([^\s@/]{1,256})@/dg,
    groups: [1],
    accept: isNotPlaceholder,
  },
];

/** Finds secrets with our own patterns; ranges may overlap (merged by the caller). */
export function findPatternSecrets(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  for (const detector of DETECTORS) {
    for (const match of text.matchAll(detector.pattern)) {
      const range = valueRange(match, detector.groups);
      if (!range) continue;
      if (detector.accept && !detector.accept(text.slice(range[0], range[1]))) continue;
      found.push({ start: range[0], end: range[1], kind: detector.kind });
    }
  }
  found.push(...findPrivateKeyBlocks(text), ...findEncodedPrivateKeys(text));
  return found;
}

function valueRange(match: RegExpExecArray, groups: number[] | undefined): [number, number] | undefined {
  if (!groups) return [match.index, match.index + match[0].length];
  for (const group of groups) {
    const span = match.indices?.[group];
    if (span) return [span[0], span[1]];
  }
  return undefined;
}

const PEM_BEGIN = /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PEM_END = /-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;

/**
 * Whole PEM private-key blocks, BEGIN line to END line. A block cut off by the output cap runs to the
 * end of the text. Scanned with two forward searches, never a lazy `[\s\S]*?`, so it stays linear.
 */
export function findPrivateKeyBlocks(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  const begin = new RegExp(PEM_BEGIN);
  const end = new RegExp(PEM_END);
  for (let open = begin.exec(text); open; open = begin.exec(text)) {
    end.lastIndex = open.index + open[0].length;
    const close = end.exec(text);
    const stop = close ? close.index + close[0].length : text.length;
    found.push({ start: open.index, end: stop, kind: 'private-key' });
    if (!close) break;
    begin.lastIndex = stop;
  }
  return found;
}

/** `-----BEGIN` in base64, as in a Kubernetes Secret's `tls.key`. */
const ENCODED_PEM = /(?<![A-Za-z0-9+/])LS0tLS1CRUdJT[A-Za-z0-9+/]{20,1048576}={0,2}/g;

function findEncodedPrivateKeys(text: string): SecretRange[] {
  const found: SecretRange[] = [];
  for (const match of text.matchAll(ENCODED_PEM)) {
    const header = Buffer.from(match[0].slice(0, 80), 'base64').toString('latin1');
    if (header.includes('PRIVATE KEY')) {
      found.push({ start: match.index, end: match.index + match[0].length, kind: 'private-key' });
    }
  }
  return found;
}
