/**
 * Reads what the debugger needs from a Pod, whether it came from the typed REST client (dates as `Date`)
 * or from a watch stream (plain JSON, dates as strings).
 */
import type { V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { CONTAINER_PREFIX } from '../core/derive-ids.js';

/** An ephemeral container's state as the kubelet last reported it. */
export interface ContainerState {
  kind: 'absent' | 'waiting' | 'running' | 'terminated';
  reason?: string;
  message?: string;
  exitCode?: number;
  startedAtMs?: number;
  finishedAtMs?: number;
  imageId?: string;
}

function toMillis(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function findEphemeralContainer(pod: V1Pod, name: string): V1EphemeralContainer | undefined {
  return pod.spec?.ephemeralContainers?.find((c) => c.name === name);
}

/** How many containers this bot has added to the pod (names with our prefix). */
export function countOurContainers(pod: V1Pod): number {
  return (pod.spec?.ephemeralContainers ?? []).filter((c) => c.name.startsWith(CONTAINER_PREFIX)).length;
}

export function ephemeralState(pod: V1Pod, name: string): ContainerState {
  const status = pod.status?.ephemeralContainerStatuses?.find((s) => s.name === name);
  const state = status?.state;
  const imageId = status?.imageID ? { imageId: status.imageID } : {};
  if (state?.terminated) {
    const t = state.terminated;
    const startedAtMs = toMillis(t.startedAt);
    const finishedAtMs = toMillis(t.finishedAt);
    return {
      kind: 'terminated',
      exitCode: t.exitCode,
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.message ? { message: t.message } : {}),
      ...(startedAtMs !== undefined ? { startedAtMs } : {}),
      ...(finishedAtMs !== undefined ? { finishedAtMs } : {}),
      ...imageId,
    };
  }
  if (state?.running) {
    const startedAtMs = toMillis(state.running.startedAt);
    return { kind: 'running', ...(startedAtMs !== undefined ? { startedAtMs } : {}), ...imageId };
  }
  if (state?.waiting) {
    return {
      kind: 'waiting',
      ...(state.waiting.reason ? { reason: state.waiting.reason } : {}),
      ...(state.waiting.message ? { message: state.waiting.message } : {}),
    };
  }
  return { kind: 'absent' };
}

/** The uid the target container effectively runs as, when the pod says so. */
export function targetRunAsUser(pod: V1Pod, container: string): number | undefined {
  const target = pod.spec?.containers.find((c) => c.name === container);
  return target?.securityContext?.runAsUser ?? pod.spec?.securityContext?.runAsUser;
}
