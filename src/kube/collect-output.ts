/**
 * Waits on the pod watch until the debug container ends (or the run deadline / a cancel), then reads its
 * log once, non-follow and capped, re-reads it if that read broke, and splits the result into
 * per-command output, exit codes and durations.
 */
import type { CommandRun } from '../core/model.js';
import type { DebugProgress, Logger } from '../core/ports.js';
import type { KubeApi } from './create-kube-api.js';
import { formatDuration } from './format-duration.js';
import { parseSingleOutput, parseWrappedOutput } from './parse-command-output.js';
import { type LogRead, type LogTarget, readContainerLog } from './read-container-log.js';
import { type ContainerState, ephemeralState } from './read-pod-state.js';
import type { PodWatcher } from './watch-pod.js';

export interface CollectInput {
  target: LogTarget;
  commands: string[][];
  /** The wrapper's nonce; undefined when the single command is the container's own argv. */
  nonce: string | undefined;
  /** State when collection starts (running, or already terminated for an adopted container). */
  initial: ContainerState;
  capBytes: number;
  runDeadlineMs: number;
  signal?: AbortSignal;
  onProgress?: (p: DebugProgress) => void;
  /** Bounds how many outputs are read and held at once (process-wide); default: no bound. */
  outputSlot?: <T>(task: () => Promise<T>) => Promise<T>;
}

export interface Collected {
  state: 'completed' | 'run_timeout' | 'cancelled';
  reason?: string;
  commands: CommandRun[];
  final?: ContainerState;
  notes: string[];
}

const REREAD_ATTEMPTS = 3;
const REREAD_TIMEOUT_MS = 30_000;

/** The terminated state; 'lost' when the pod went away or could no longer be watched; undefined on deadline. */
async function waitForTermination(watcher: PodWatcher, name: string, stop: AbortSignal) {
  for (;;) {
    const state = ephemeralState(watcher.pod, name);
    if (state.kind === 'terminated') return state;
    try {
      watcher.check();
    } catch {
      return 'lost' as const;
    }
    try {
      await watcher.changed(stop);
    } catch {
      return undefined;
    }
  }
}

function parse(
  input: CollectInput,
  read: LogRead,
  final: ContainerState | undefined,
  incomplete: boolean,
): CommandRun[] {
  if (input.nonce) {
    return parseWrappedOutput({
      commands: input.commands,
      nonce: input.nonce,
      log: read.text,
      ...(final?.message ? { terminationMessage: final.message } : {}),
    });
  }
  const duration =
    final?.finishedAtMs !== undefined && final.startedAtMs !== undefined
      ? final.finishedAtMs - final.startedAtMs
      : undefined;
  return [
    parseSingleOutput({
      argv: input.commands[0]!,
      log: read.text,
      incomplete: incomplete || read.capped,
      ...(final?.exitCode !== undefined ? { exitCode: final.exitCode } : {}),
      ...(duration !== undefined ? { durationMs: duration } : {}),
    }),
  ];
}

/**
 * Waits (on the watch) until the container ends, the run deadline passes or the request is cancelled,
 * then reads the log once, non-follow, inside `outputSlot`: output is held in memory only while a slot
 * is free, so many large outputs at once cannot multiply the worker's memory. The kubelet keeps the
 * log of a terminated container, so nothing is lost by reading late.
 */
export async function collectOutput(
  api: KubeApi,
  watcher: PodWatcher | undefined,
  log: Logger,
  input: CollectInput,
) {
  const deadline = AbortSignal.timeout(input.runDeadlineMs);
  const stop = input.signal ? AbortSignal.any([deadline, input.signal]) : deadline;
  const notes: string[] = [];
  let final: ContainerState | 'lost' | undefined =
    input.initial.kind === 'terminated' ? input.initial : undefined;
  if (!final && watcher && !stop.aborted)
    final = await waitForTermination(watcher, input.target.container, stop);
  input.onProgress?.({ phase: 'collecting' });
  // Small outputs (the common case) are read straight away; a large one is read again, whole, inside
  // the process-wide output slot, so only a few large outputs are in memory at any time.
  // Without a slot to wait for (the terminal front end) there is nothing to gain from a first small read.
  const firstLimit = input.outputSlot ? Math.min(SMALL_OUTPUT_BYTES, input.capBytes) : input.capBytes;
  const small = await readOnce(api, input, firstLimit);
  const large = small.capped && input.capBytes > firstLimit;
  const slot = large && input.outputSlot ? input.outputSlot : <T>(task: () => Promise<T>) => task();
  return slot(async (): Promise<Collected> => {
    let read = large ? await readOnce(api, input, input.capBytes) : small;
    if (read.error) log.warn({ err: read.error }, 'log read failed');
    if (!final || final === 'lost') {
      const cancelled = input.signal?.aborted === true;
      const reason = cancelled
        ? 'Cancelled while the command was running.'
        : final === 'lost'
          ? 'The pod went away (or could no longer be watched) before the command finished; the output is partial.'
          : `The command was still running after ${formatDuration(input.runDeadlineMs)}; the output is partial.`;
      if (!final)
        notes.push(
          'The command may still be running in the pod: ephemeral containers cannot be stopped or removed.',
        );
      const commands = parse(input, read, undefined, true);
      return { state: cancelled ? 'cancelled' : 'run_timeout', reason, commands, notes };
    }
    if (!read.capped && !read.endedCleanly) {
      const again = await rereadLog(api, log, input);
      if (again) read = again;
      else notes.push('The output could not be read completely; what was read is shown.');
    }
    if (read.capped) notes.push(`Output was cut at ${input.capBytes} bytes.`);
    const commands = parse(input, read, final, !read.endedCleanly && !read.capped);
    return { state: 'completed', commands, final, notes };
  });
}

/** Outputs up to this size are read without waiting for an output slot. */
const SMALL_OUTPUT_BYTES = 64 * 1024;

/** One capped read; by default bounded by time only, so output can still be read after a cancel. */
function readOnce(
  api: KubeApi,
  input: CollectInput,
  limitBytes: number,
  signal: AbortSignal = AbortSignal.timeout(REREAD_TIMEOUT_MS),
): Promise<LogRead> {
  return readContainerLog(api, input.target, { limitBytes, signal });
}

/** Non-follow read of a terminated container's log, retried a few times (TEST-MATRIX row 49: retry the log only). */
async function rereadLog(api: KubeApi, log: Logger, input: CollectInput): Promise<LogRead | undefined> {
  for (let attempt = 1; attempt <= REREAD_ATTEMPTS; attempt++) {
    const timeout = AbortSignal.timeout(REREAD_TIMEOUT_MS);
    const stop = input.signal ? AbortSignal.any([timeout, input.signal]) : timeout;
    const read = await readOnce(api, input, input.capBytes, stop);
    if (read.endedCleanly) return read;
    log.warn({ err: read.error, attempt }, 'log re-read failed');
    if (input.signal?.aborted) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
  }
  return undefined;
}
