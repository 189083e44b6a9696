/**
 * Reads the option part of `/debug` (everything before the first `--`) into raw values.
 * No validation of the values here; `parse-debug-command.ts` does that.
 */

/** The options a user can give, as typed. */
export interface RawCommandOptions {
  namespace?: string;
  image?: string;
  container?: string;
  profile?: string;
  preset?: string;
  reason?: string;
  selector?: string;
  /** Words that are not options, in order (target, then optionally the image shorthand). */
  positionals: string[];
}

type OptionKey = Exclude<keyof RawCommandOptions, 'positionals'>;

const FLAGS: Record<string, OptionKey> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '--image': 'image',
  '-c': 'container',
  '--target': 'container',
  '--container': 'container',
  '--profile': 'profile',
  '--preset': 'preset',
  '--reason': 'reason',
  '-l': 'selector',
  '--selector': 'selector',
};

export type ReadOptionsResult = { ok: true; options: RawCommandOptions } | { ok: false; message: string };

function splitInlineValue(word: string): [string, string | undefined] {
  const eq = word.indexOf('=');
  if (!word.startsWith('--') || eq === -1) return [word, undefined];
  return [word.slice(0, eq), word.slice(eq + 1)];
}

/** Walks the words before `--`: flags with one value each, at most once each; anything else is positional. */
export function readCommandOptions(words: readonly string[]): ReadOptionsResult {
  const options: RawCommandOptions = { positionals: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!word.startsWith('-') || word === '-') {
      options.positionals.push(word);
      continue;
    }
    const [flag, inline] = splitInlineValue(word);
    const key = FLAGS[flag];
    if (key === undefined) return { ok: false, message: `unknown option ${flag} (see /debug help)` };
    let value = inline;
    if (value === undefined) {
      const next = words[i + 1];
      if (next === undefined || FLAGS[splitInlineValue(next)[0]] !== undefined) {
        return { ok: false, message: `${flag} needs a value` };
      }
      value = next;
      i++;
    }
    if (options[key] !== undefined) return { ok: false, message: `${flag} is given more than once` };
    options[key] = value;
  }
  return { ok: true, options };
}
