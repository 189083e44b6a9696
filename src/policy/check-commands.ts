import { matchGlob } from './match-glob.js';
import type { DebugPolicy } from './policy-schema.js';
import { listForMessage, showValue } from './show-value.js';

/**
 * Checks the argv list against `limits` and the optional `commands.allow` list (argv[0] by basename,
 * or by full path for entries containing `/`; globs allowed). Returns why not, or `undefined`.
 */
export function checkCommands(
  commands: readonly (readonly string[])[],
  limits: DebugPolicy['limits'],
  allow: DebugPolicy['commands']['allow'],
): string | undefined {
  if (commands.length === 0) return 'nothing to run: give a command after -- or pick a preset';
  if (commands.length > limits.maxCommands) {
    return `too many commands: ${commands.length} (at most ${limits.maxCommands}); split them over several requests`;
  }
  for (const [index, argv] of commands.entries()) {
    const which = commands.length === 1 ? 'the command' : `command ${index + 1}`;
    const problem = checkOne(argv, which, limits, allow);
    if (problem) return problem;
  }
  return undefined;
}

function checkOne(
  argv: readonly string[],
  which: string,
  limits: DebugPolicy['limits'],
  allow: DebugPolicy['commands']['allow'],
): string | undefined {
  if (argv.length === 0 || argv[0] === '') return `${which} is empty; give the program to run first`;
  if (argv.length > limits.maxArgsPerCommand) {
    return `${which} has ${argv.length} arguments (at most ${limits.maxArgsPerCommand}); shorten it`;
  }
  const chars = argv.reduce((sum, arg) => sum + arg.length, 0) + argv.length - 1;
  if (chars > limits.maxCommandChars) {
    return `${which} is ${chars} characters long (at most ${limits.maxCommandChars}); shorten it`;
  }
  if (allow && !isAllowedProgram(argv[0]!, allow)) {
    return `${which} runs ${showValue(argv[0]!)}, which is not allowed here (allowed: ${listForMessage(allow)}); use one of those`;
  }
  return undefined;
}

/** `/usr/bin/curl` matches `curl`; entries with a `/` must match the whole argv[0]. */
export function isAllowedProgram(program: string, allow: readonly string[]): boolean {
  const basename = program.slice(program.lastIndexOf('/') + 1);
  if (basename === '') return false;
  return allow.some((entry) => matchGlob(entry, entry.includes('/') ? program : basename));
}
