import type { DebugCommandInput, ProfileName, TargetKind } from '../core/model.js';
import { PROFILE_NAMES } from '../core/model.js';
import { checkImageReference } from './check-image-reference.js';
import { checkDnsLabel, checkDnsSubdomain, checkLabelSelector, showValue } from './check-kube-names.js';
import { readCommandOptions } from './read-command-options.js';
import { normaliseTypedText, splitCommandWords } from './split-command-words.js';

/** Size limits for one `/debug` text (cf. Teleport's max command length). */
export interface ParseLimits {
  maxCommands: number;
  maxArgsPerCommand: number;
  maxTextChars: number;
  maxReasonChars: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxCommands: 10,
  maxArgsPerCommand: 100,
  maxTextChars: 4000,
  maxReasonChars: 500,
};

/** What the user asked for; `error.message` names exactly what was wrong and is safe to show (after escaping). */
export type ParsedDebugCommand =
  | { kind: 'debug'; input: DebugCommandInput }
  | { kind: 'help' }
  | { kind: 'presets' }
  | { kind: 'audit'; requestId?: string }
  | { kind: 'error'; message: string };

type Failure = { kind: 'error'; message: string };

const KIND_PREFIXES: Record<string, TargetKind> = {
  po: 'pod',
  pod: 'pod',
  pods: 'pod',
  deploy: 'deployment',
  deployment: 'deployment',
  deployments: 'deployment',
  sts: 'statefulset',
  statefulset: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonset: 'daemonset',
  daemonsets: 'daemonset',
};
const PRESET_NAME = /^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$/;
const REQUEST_ID = /^[a-z0-9]{4,64}$/;

function fail(message: string): Failure {
  return { kind: 'error', message };
}

function parseSubcommand(words: string[]): ParsedDebugCommand | undefined {
  const [first, ...rest] = words;
  if (first === 'help' || first === '-h' || first === '--help') return { kind: 'help' };
  if (first === 'presets' && rest.length === 0) return { kind: 'presets' };
  if (first !== 'audit') return undefined;
  if (rest.length === 0) return { kind: 'audit' };
  if (rest.length > 1 || !REQUEST_ID.test(rest[0]!)) return fail('usage: /debug audit [request-id]');
  return { kind: 'audit', requestId: rest[0]! };
}

function parseTarget(word: string): { kind: TargetKind; name: string } | Failure {
  const slash = word.indexOf('/');
  if (slash === -1) return { kind: 'pod', name: word };
  const prefix = word.slice(0, slash);
  const kind = KIND_PREFIXES[prefix];
  if (kind === undefined) {
    return fail(
      `target ${showValue(word)} is not valid: write NAME, pod/NAME, deploy/NAME, sts/NAME or ds/NAME (the namespace goes in -n)`,
    );
  }
  return { kind, name: word.slice(slash + 1) };
}

function splitCommands(words: string[]): string[][] {
  const commands: string[][] = [[]];
  for (const word of words) {
    if (word === '--') commands.push([]);
    else commands[commands.length - 1]!.push(word);
  }
  return commands;
}

function checkCommands(commands: string[][], limits: ParseLimits): string | undefined {
  if (commands.length > limits.maxCommands) {
    return `${commands.length} commands given; the limit is ${limits.maxCommands}`;
  }
  for (const [i, argv] of commands.entries()) {
    const which = commands.length > 1 ? `command ${i + 1}` : 'the command';
    if (argv.length === 0) return `${which} is empty: put the program and its arguments after --`;
    if (argv.length > limits.maxArgsPerCommand) {
      return `${which} has ${argv.length} words; the limit is ${limits.maxArgsPerCommand}`;
    }
    if (argv[0] === '') return `${which} starts with an empty word`;
    if (argv.some((word) => word.includes('\u0000'))) return `${which} contains a NUL character`;
  }
  return undefined;
}

/**
 * Parses the text after `/debug` (Slack's `&amp;`/`&lt;`/`&gt;` already decoded). Pure: no defaults
 * (namespace, image) are applied and no policy is consulted. Each `--` starts a new argv; quoting
 * follows POSIX shell rules, and nothing is ever interpreted by a shell.
 */
export function parseDebugCommand(text: string, limits: Partial<ParseLimits> = {}): ParsedDebugCommand {
  const lim = { ...DEFAULT_PARSE_LIMITS, ...limits };
  if (text.length > lim.maxTextChars) {
    return fail(`the command text is ${text.length} characters long; the limit is ${lim.maxTextChars}`);
  }
  const split = splitCommandWords(normaliseTypedText(text));
  if (!split.ok) return fail(split.message);
  const words = split.words;
  if (words.length === 0) return fail('missing target: name a pod, or give -l key=value');

  const subcommand = parseSubcommand(words);
  if (subcommand) return subcommand;

  const dashes = words.indexOf('--');
  const read = readCommandOptions(dashes === -1 ? words : words.slice(0, dashes));
  if (!read.ok) return fail(read.message);
  const { options } = read;
  const commands = dashes === -1 ? [] : splitCommands(words.slice(dashes + 1));

  const [targetWord, imageWord, extra] = options.positionals;
  if (extra !== undefined) return fail(`unexpected word ${showValue(extra)}: put the command after --`);
  if (imageWord !== undefined && options.image !== undefined) {
    return fail(`the image is given twice (${showValue(imageWord)} and --image)`);
  }
  if (targetWord !== undefined && options.selector !== undefined) {
    return fail('give either a target name or -l selector, not both');
  }

  let target: DebugCommandInput['target'];
  if (options.selector !== undefined) {
    const problem = checkLabelSelector(options.selector);
    if (problem) return fail(problem);
    target = { kind: 'selector', name: options.selector };
  } else if (targetWord !== undefined) {
    const parsed = parseTarget(targetWord);
    if ('message' in parsed) return parsed;
    const problem = checkDnsSubdomain(parsed.name, `${parsed.kind} name`);
    if (problem) return fail(problem);
    target = parsed;
  } else {
    return fail('missing target: name a pod (e.g. /debug web-1 -- ps aux), or give -l key=value');
  }

  if (options.namespace !== undefined) {
    const problem = checkDnsLabel(options.namespace, 'namespace');
    if (problem) return fail(problem);
    target.namespace = options.namespace;
  }
  if (options.container !== undefined) {
    const problem = checkDnsLabel(options.container, 'container name');
    if (problem) return fail(problem);
    target.container = options.container;
  }

  const input: DebugCommandInput = { target, commands: [] };
  const image = options.image ?? imageWord;
  if (image !== undefined) {
    const problem = checkImageReference(image);
    if (problem) return fail(problem);
    input.image = image;
  }
  if (options.profile !== undefined) {
    if (!(PROFILE_NAMES as readonly string[]).includes(options.profile)) {
      return fail(`unknown profile ${showValue(options.profile)}: use one of ${PROFILE_NAMES.join(', ')}`);
    }
    input.profile = options.profile as ProfileName;
  }
  if (options.reason !== undefined) {
    if (options.reason.trim() === '') return fail('--reason is empty');
    if (options.reason.length > lim.maxReasonChars) {
      return fail(
        `the reason is ${options.reason.length} characters long; the limit is ${lim.maxReasonChars}`,
      );
    }
    if (/[\u0000-\u001F\u007F]/.test(options.reason)) return fail('the reason contains control characters');
    input.reason = options.reason;
  }
  if (options.preset !== undefined) {
    if (!PRESET_NAME.test(options.preset)) {
      return fail(
        `preset name ${showValue(options.preset)} is not valid: use lowercase letters, digits and '-'`,
      );
    }
    if (dashes !== -1) return fail('give either --preset or a command after --, not both');
    input.preset = options.preset;
    return { kind: 'debug', input };
  }

  if (dashes === -1) {
    const hint = imageWord === undefined ? '' : ` (after ${showValue(imageWord)})`;
    return fail(`missing command: add -- and the program to run${hint}, or use --preset NAME`);
  }
  const problem = checkCommands(commands, lim);
  if (problem) return fail(problem);
  input.commands = commands;
  return { kind: 'debug', input };
}
