import { type RedactionResult, redactionMarker, redactSecrets } from './redact-secrets.js';
import { sanitizeText } from './sanitize-output.js';

/** A redacted argv and how many secrets were masked in it. */
export interface RedactedArgv {
  argv: string[];
  count: number;
}

/** `--password`, `--token`, `-api-key`… given as a flag whose value is the next argument. */
const SECRET_FLAG = /^--?[A-Za-z0-9_-]{0,40}?(?:password|passwd|passphrase|secret|token|api[_-]?key)$/i;
/** `-u user:password` / `--user user:password` (curl, wget). */
const USER_FLAG = /^(?:-u|--user|--proxy-user)$/;

/**
 * Makes an argv safe to show: each argument is sanitised and redacted on its own (so a marker never
 * spans two arguments), the value after a secret-named flag is masked whole, and the password in
 * `-u user:password` is masked.
 */
export async function redactArgv(argv: readonly string[]): Promise<RedactedArgv> {
  const out: string[] = [];
  let count = 0;
  for (let i = 0; i < argv.length; i++) {
    const previous = i > 0 ? argv[i - 1]! : '';
    const result = await redactArgument(argv[i]!, previous);
    out.push(result.text);
    count += result.count;
  }
  return { argv: out, count };
}

async function redactArgument(arg: string, previous: string): Promise<RedactionResult> {
  const clean = sanitizeText(arg);
  if (clean !== '' && SECRET_FLAG.test(previous)) return { text: redactionMarker('password'), count: 1 };
  if (USER_FLAG.test(previous)) {
    const colon = clean.indexOf(':');
    if (colon !== -1 && colon < clean.length - 1) {
      return { text: `${clean.slice(0, colon + 1)}${redactionMarker('password')}`, count: 1 };
    }
  }
  return redactSecrets(clean);
}
