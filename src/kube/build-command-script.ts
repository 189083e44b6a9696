/**
 * Runs several argv lists in one ephemeral container without ever putting user text into shell code.
 *
 * The script is a constant. Each command travels as positional parameters — `count, argv…` — and is run
 * as `exec "${1}" "${2}" …` in a subshell (eval only ever sees those generated references): the same
 * execve semantics as a single command that is the container's argv, so shell builtins and keywords are
 * never involved. Its stderr joins stdout so output stays in order between the markers. Around each
 * command the script prints marker lines carrying a random per-container nonce (output cannot forge them)
 * and the exit code, and appends `<i> <exit code>` to the termination-message file, which the kubelet
 * reports even when the log was cut.
 */
import { randomBytes } from 'node:crypto';

export const COMMAND_SCRIPT = `n0=$1
shift
tl=\${TERMINATION_LOG:-/dev/termination-log}
i=0
rc=0
while [ "$#" -gt 0 ]; do
  i=$((i + 1))
  n=$1
  shift
  case $n in
    '' | *[!0-9]*) exit 125 ;;
  esac
  if [ "$n" -gt "$#" ]; then exit 125; fi
  c=
  j=1
  while [ "$j" -le "$n" ]; do
    c="$c \\"\\\${$j}\\""
    j=$((j + 1))
  done
  printf '::dbg-%s::start::%s\\n' "$n0" "$i"
  (eval "exec $c") </dev/null 2>&1
  rc=$?
  printf '::dbg-%s::end::%s::%s\\n' "$n0" "$i" "$rc"
  printf '%s %s\\n' "$i" "$rc" 2>/dev/null >>"$tl" || :
  shift "$n"
done
exit "$rc"
`;

/** 128 random bits, hex: unguessable by anything the commands print. */
export function randomNonce(): string {
  return randomBytes(16).toString('hex');
}

/** `command` for the container: the argv itself for one command, else the wrapper with every argv as data. */
export function buildContainerCommand(commands: string[][], nonce: string): string[] {
  if (commands.length === 1) return [...commands[0]!];
  const args = ['sh', '-c', COMMAND_SCRIPT, 'sh', nonce];
  for (const argv of commands) args.push(String(argv.length), ...argv);
  return args;
}

/** The nonce of a container built by `buildContainerCommand` with the wrapper; undefined for a single command. */
export function nonceOf(command: readonly string[] | undefined): string | undefined {
  const wrapped = command?.[0] === 'sh' && command[1] === '-c' && command[2] === COMMAND_SCRIPT;
  return wrapped ? command[4] : undefined;
}

/** Marker patterns for one nonce (hex, so safe inside a RegExp). */
export function markerPatterns(nonce: string): { start: RegExp; end: RegExp } {
  return {
    start: new RegExp(`^::dbg-${nonce}::start::(\\d+)$`),
    end: new RegExp(`^([\\s\\S]*?)::dbg-${nonce}::end::(\\d+)::(\\d+)$`),
  };
}
