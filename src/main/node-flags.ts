import { setFlagsFromString } from 'node:v8';
import type { Role } from '../config/load-config.js';

/**
 * V8 heap settings for processes that run a worker (`--role worker|all`): `npm start` passes them on its
 * command line, the Docker image's processes get them from `ensureHeapFlags` at start-up, and the
 * benchmarks' worker starts with exactly these (a unit test holds them together).
 *
 * Node's defaults let a busy process grow its young generation to 3 × 16 MB and its old generation by
 * up to ×4 per step past the live set. A worker's garbage is short-lived per-job data (HTTP and Redis
 * buffers, Slack payloads, parsed pods), so smaller semi-spaces and slower old-generation growth keep it
 * within ~200 MB RSS under 50 concurrent large outputs at the throughput goal (README, Benchmarks).
 * There is deliberately no hard heap cap (`--max-old-space-size`): a larger live set grows the heap a
 * little more often instead of crashing the worker. `--heap-growing-percent` is not allowed in
 * NODE_OPTIONS, so these go on the command line.
 *
 * The Slack front end alone (`--role bot`) runs on Node's defaults: its garbage is a few KB per request,
 * and the worker's settings made its collector run about twice as often, which cost ~0.1 ms of CPU per
 * chat ack (README, Benchmarks).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=20'];

/** The heap flags a process of this role should run with. */
export function heapFlagsFor(role: Role): readonly string[] {
  return role === 'bot' ? [] : NODE_FLAGS;
}

/** Flags of `wanted` that this process was not started with (`--name=value` compared by name). */
export function missingFlags(wanted: readonly string[], given: readonly string[]): string[] {
  const names = new Set(given.map((arg) => arg.split('=')[0]!.replaceAll('_', '-')));
  return wanted.filter((flag) => !names.has(flag.split('=')[0]!));
}

export type HeapFlagsOutcome =
  | { kind: 'ok' }
  | { kind: 'applied-at-runtime'; flags: string[]; missing: string[] };

/** Set in the restarted process's environment: it never restarts again. */
export const RESTARTED_ENV = 'K8S_DEBUG_BOT_RESTARTED';
/** `1` turns the restart off (e.g. where a seccomp profile forbids execve). */
export const NO_RESTART_ENV = 'K8S_DEBUG_BOT_NO_RESTART';

/**
 * Makes a worker process run with its heap flags when it was started without them (on the command
 * line or in NODE_OPTIONS): where Node has `process.execve` (22.15+) the process replaces itself, once,
 * with the same command plus the flags, keeping its pid (a container's PID 1 stays PID 1). Node aborts
 * the process if the execve system call itself fails, so K8S_DEBUG_BOT_NO_RESTART=1 turns this off.
 * Without the restart, `--heap-growing-percent` is applied at run time (V8 reads it at every
 * heap-limit update) and the semi-space flag is reported missing: it only works at start-up.
 */
export function ensureHeapFlags(role: Role, proc: NodeJS.Process = process): HeapFlagsOutcome {
  const given = [...proc.execArgv, ...(proc.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];
  const missing = missingFlags(heapFlagsFor(role), given);
  if (missing.length === 0) return { kind: 'ok' };
  const execve = (proc as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never })
    .execve;
  if (typeof execve === 'function' && !proc.env[RESTARTED_ENV] && proc.env[NO_RESTART_ENV] !== '1') {
    execve.call(proc, proc.execPath, [proc.execPath, ...missing, ...proc.execArgv, ...proc.argv.slice(1)], {
      ...proc.env,
      [RESTARTED_ENV]: '1',
    });
  }
  const runtime = missing.filter((flag) => flag.startsWith('--heap-growing-percent='));
  for (const flag of runtime) setFlagsFromString(flag);
  return { kind: 'applied-at-runtime', flags: runtime, missing: missing.filter((f) => !runtime.includes(f)) };
}
