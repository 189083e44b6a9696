/**
 * From what the user named (a pod, a workload or a label selector) to one running pod and one target
 * container. Workloads are resolved through pod ownerReferences, so no apps/* permissions are needed.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { DebugError } from '../core/errors.js';
import type { TargetRef } from '../core/model.js';
import type { KubeApi } from './create-kube-api.js';
import { findEphemeralContainer } from './read-pod-state.js';

const OWNER_KIND: Record<string, string> = {
  deployment: 'ReplicaSet',
  statefulset: 'StatefulSet',
  daemonset: 'DaemonSet',
};

function ownedBy(pod: V1Pod, kind: TargetRef['kind'], name: string): boolean {
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  return (pod.metadata?.ownerReferences ?? []).some((ref) => {
    if (ref.kind !== OWNER_KIND[kind]) return false;
    return kind === 'deployment' ? hash !== undefined && ref.name === `${name}-${hash}` : ref.name === name;
  });
}

function isRunning(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp;
}

/**
 * One pod for the target. Among several candidates the one already carrying `containerName` wins (a retry
 * adopts instead of adding to a second pod), then the first running pod by name.
 */
export async function resolveTargetPod(
  api: KubeApi,
  target: TargetRef,
  containerName: string,
  signal?: AbortSignal,
): Promise<V1Pod> {
  if (target.kind === 'pod') return api.readPod(target.namespace, target.name, signal);
  const selector = target.kind === 'selector' ? target.name : undefined;
  const pods = (await api.listPods(target.namespace, selector, signal))
    .filter((p) => target.kind === 'selector' || ownedBy(p, target.kind, target.name))
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const chosen = pods.find((p) => findEphemeralContainer(p, containerName)) ?? pods.find(isRunning);
  if (!chosen) {
    const what =
      target.kind === 'selector'
        ? `matches selector ${target.name}`
        : `belongs to ${target.kind} ${target.name}`;
    throw new DebugError('pod_not_found', `No running pod in namespace ${target.namespace} ${what}.`);
  }
  return chosen;
}

export function assertPodRunning(pod: V1Pod): void {
  const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  if (pod.metadata?.deletionTimestamp) {
    throw new DebugError('pod_not_running', `Pod ${name} is terminating; debug a running pod instead.`);
  }
  const phase = pod.status?.phase ?? 'Unknown';
  if (phase !== 'Running') {
    throw new DebugError(
      'pod_not_running',
      `Pod ${name} is ${phase}, not Running; ephemeral containers need a running pod.`,
    );
  }
}

/** The container whose namespaces the debug container joins: the one asked for, else the pod's default. */
export function resolveTargetContainer(pod: V1Pod, requested?: string): string {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (requested === undefined) {
    const annotated = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
    const name = annotated && names.includes(annotated) ? annotated : names[0];
    if (name) return name;
  } else if (names.includes(requested)) {
    return requested;
  }
  const pod_ = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  throw new DebugError(
    'target_container_not_found',
    `Container "${requested ?? ''}" is not in pod ${pod_}. Choose one of: ${names.join(', ') || '(none)'}.`,
  );
}
