/**
 * Wire shapes the fake Kubernetes API server stores and serves: plain JSON, as the real apiserver sends it
 * (times are RFC 3339 strings). Only the fields the fake reads are typed; everything else passes through.
 */

/** `securityContext` of a container. */
export interface SecurityContextJson {
  privileged?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string; localhostProfile?: string };
  [field: string]: unknown;
}

/** A regular, init or ephemeral container. */
export interface ContainerJson {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: Array<{ name: string; value?: string; [field: string]: unknown }>;
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; subPathExpr?: string }>;
  volumeDevices?: Array<{ name: string; devicePath: string }>;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  securityContext?: SecurityContextJson;
  targetContainerName?: string;
  [field: string]: unknown;
}

/** `state` of a container status: exactly one member is set. */
export interface ContainerStateJson {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    containerID?: string;
  };
}

export interface ContainerStatusJson {
  name: string;
  state: ContainerStateJson;
  lastState: ContainerStateJson;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started?: boolean;
}

export interface ObjectMetaJson {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface PodSpecJson {
  containers: ContainerJson[];
  initContainers?: ContainerJson[];
  ephemeralContainers?: ContainerJson[];
  volumes?: Array<{
    name: string;
    hostPath?: unknown;
    persistentVolumeClaim?: unknown;
    [field: string]: unknown;
  }>;
  securityContext?: SecurityContextJson;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  [field: string]: unknown;
}

export interface PodStatusJson {
  phase?: string;
  containerStatuses?: ContainerStatusJson[];
  initContainerStatuses?: ContainerStatusJson[];
  ephemeralContainerStatuses?: ContainerStatusJson[];
  [field: string]: unknown;
}

export interface PodJson {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMetaJson;
  spec: PodSpecJson;
  status?: PodStatusJson;
}

export interface NamespaceJson {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMetaJson;
  status: { phase: string };
}

/** Input of `addPod`: a pod without the fields the fake fills in. */
export type PodInput = {
  metadata: Partial<ObjectMetaJson> & { name: string };
  spec: PodSpecJson;
  status?: PodStatusJson;
};

/** Watch event types the apiserver sends. */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality over JSON values, ignoring key order (what `apiequality.Semantic.DeepEqual` amounts to here). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = new Set(
    [...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== undefined || b[k] !== undefined),
  );
  for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
  return true;
}

/** RFC 3339 with nine fractional digits, like the kubelet's `RFC3339NanoFixed` log timestamps. */
export function nowRfc3339Nano(date: Date = new Date()): string {
  const iso = date.toISOString();
  const micro = String(Math.floor((performance.now() % 1) * 1_000_000)).padStart(6, '0');
  return `${iso.slice(0, 23)}${micro}Z`;
}

/** RFC 3339 with seconds, like `metav1.Time` in pod status. */
export function nowRfc3339(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
