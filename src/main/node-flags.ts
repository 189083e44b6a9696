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
export function missingFlags(wanted: readonly string[], execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.map((arg) => arg.split('=')[0]!.replaceAll('_', '-')));
  return wanted.filter((flag) => !given.has(flag.split('=')[0]!));
}

export type HeapFlagsOutcome =
  | { kind: 'ok' }
  | { kind: 'applied-at-runtime'; flags: string[]; missing: string[] };

/**
 * Makes a worker process run with its heap flags when it was started without them (the Docker image
 * starts every role the same way): where Node has `process.execve` (22.15+) the process replaces itself
 * with the same command plus the flags, once, keeping its pid, so a container's PID 1 stays PID 1.
 * Older Nodes apply `--heap-growing-percent` at run time (V8 reads it at every heap-limit update) and
 * report the semi-space flag as missing: it only works on the command line (`npm start` passes both).
 */
export function ensureHeapFlags(role: Role, proc: NodeJS.Process = process): HeapFlagsOutcome {
  const missing = missingFlags(heapFlagsFor(role), proc.execArgv);
  if (missing.length === 0) return { kind: 'ok' };
  const execve = (proc as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never })
    .execve;
  if (typeof execve === 'function') {
    try {
      execve.call(
        proc,
        proc.execPath,
        [proc.execPath, ...missing, ...proc.execArgv, ...proc.argv.slice(1)],
        proc.env,
      );
    } catch {
      // Not replaced (e.g. a sandbox refused execve): carry on with what can be set at run time.
    }
  }
  const runtime = missing.filter((flag) => flag.startsWith('--heap-growing-percent='));
  for (const flag of runtime) setFlagsFromString(flag);
  return { kind: 'applied-at-runtime', flags: runtime, missing: missing.filter((f) => !runtime.includes(f)) };
}
