/**
 * Waits until the ephemeral container runs (or already finished), reporting the kubelet's waiting reasons
 * and giving up on the reasons that will not fix themselves or when the start deadline passes.
 */
import type { DebugProgress } from '../core/ports.js';
import { formatDuration } from './format-duration.js';
import { type ContainerState, ephemeralState } from './read-pod-state.js';
import type { PodWatcher } from './watch-pod.js';

/** Waiting reasons that mean the container will not start without someone changing something. */
const START_FAILURES = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** Terminated reasons of a container whose process never ran. */
const NEVER_RAN = new Set(['StartError', 'ContainerCannotRun']);

export type StartResult =
  | { kind: 'started'; state: ContainerState }
  | { kind: 'failed'; reason: string }
  | { kind: 'timeout'; reason: string }
  | { kind: 'cancelled' };

export interface StartOptions {
  containerName: string;
  image: string;
  deadlineMs: number;
  signal?: AbortSignal;
  onProgress?: (p: DebugProgress) => void;
}

function clip(text: string | undefined, max = 300): string {
  const t = (text ?? '').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function explainFailure(state: ContainerState, image: string): string {
  const said = state.message ? `: ${clip(state.message)}` : '';
  switch (state.reason) {
    case 'ErrImagePull':
    case 'ImagePullBackOff':
      return `The image ${image} could not be pulled (${state.reason}${said}).`;
    case 'InvalidImageName':
      return `The image name ${image} is invalid (${state.reason}${said}).`;
    case 'CreateContainerConfigError':
      if (/runAsNonRoot|non-root|non-numeric user/.test(state.message ?? '')) {
        return `The image ${image} would run as root, which the restricted profile forbids (${state.reason}${said}). Use an image whose USER is a numeric non-root uid.`;
      }
      return `The kubelet could not configure the debug container (${state.reason}${said}).`;
    default:
      return `The debug container could not start (${state.reason ?? 'unknown reason'}${said}).`;
  }
}

export async function waitForStart(watcher: PodWatcher, options: StartOptions): Promise<StartResult> {
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const stop = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  let reported = '';
  let last: ContainerState = { kind: 'absent' };
  for (;;) {
    watcher.check();
    last = ephemeralState(watcher.pod, options.containerName);
    if (last.kind === 'running') return { kind: 'started', state: last };
    if (last.kind === 'terminated') {
      if (last.reason && NEVER_RAN.has(last.reason))
        return { kind: 'failed', reason: explainFailure(last, options.image) };
      return { kind: 'started', state: last };
    }
    if (last.kind === 'waiting' && last.reason && START_FAILURES.has(last.reason)) {
      return { kind: 'failed', reason: explainFailure(last, options.image) };
    }
    const progress: DebugProgress =
      last.kind === 'waiting'
        ? { phase: 'pulling', detail: last.reason ?? 'waiting' }
        : { phase: 'creating', detail: 'waiting for the kubelet' };
    if (progress.detail !== reported) {
      reported = progress.detail ?? '';
      options.onProgress?.(progress);
    }
    try {
      await watcher.changed(stop);
    } catch {
      if (options.signal?.aborted) return { kind: 'cancelled' };
      const status = last.kind === 'waiting' ? (last.reason ?? 'waiting') : 'not reported by the kubelet yet';
      return {
        kind: 'timeout',
        reason: `The debug container did not start within ${formatDuration(options.deadlineMs)} (last status: ${status}).`,
      };
    }
  }
}
