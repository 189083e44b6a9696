/**
 * The fake's "etcd": namespaces and pods, one global resourceVersion counter, and watch fan-out.
 * Callers always get copies, so nothing outside can change stored objects without a resourceVersion bump.
 */
import { randomUUID } from 'node:crypto';
import { applyContainerDefaults } from './apply-container-defaults.js';
import {
  type ContainerStatusJson,
  jsonEqual,
  type NamespaceJson,
  nowRfc3339,
  type PodInput,
  type PodJson,
  type WatchEventType,
} from './types.js';

/** Receives watch events; `object` is a copy the listener may keep. */
export type WatchListener = (type: WatchEventType, object: PodJson) => void;

interface PodWatch {
  namespace: string;
  name?: string;
  labels: Array<[string, string, boolean]>;
  listener: WatchListener;
}

/** `a=b,c!=d` → [[key, value, equal?]]; only equality-based selectors. */
export function parseLabelSelector(selector: string | null): Array<[string, string, boolean]> {
  if (!selector) return [];
  return selector
    .split(',')
    .map((term) => term.trim())
    .filter(Boolean)
    .map((term) => {
      const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
      if (!m) return [term, '', false] as [string, string, boolean];
      return [m[1]!, m[3]!, m[2] !== '!='] as [string, string, boolean];
    });
}

export function matchesLabels(pod: PodJson, selector: Array<[string, string, boolean]>): boolean {
  const labels = pod.metadata.labels ?? {};
  return selector.every(([key, value, equal]) => (labels[key] === value) === equal);
}

export class ClusterStore {
  private revision = 1000;
  private readonly namespaces = new Map<string, NamespaceJson>();
  private readonly pods = new Map<string, PodJson>();
  private readonly watches = new Set<PodWatch>();

  get resourceVersion(): string {
    return String(this.revision);
  }

  private bump(): string {
    this.revision += 1;
    return String(this.revision);
  }

  addNamespace(name: string, labels: Record<string, string> = {}): NamespaceJson {
    const ns: NamespaceJson = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: randomUUID(),
        resourceVersion: this.bump(),
        creationTimestamp: nowRfc3339(),
        labels: { 'kubernetes.io/metadata.name': name, ...labels },
      },
      status: { phase: 'Active' },
    };
    this.namespaces.set(name, ns);
    return structuredClone(ns);
  }

  getNamespace(name: string): NamespaceJson | undefined {
    const ns = this.namespaces.get(name);
    return ns ? structuredClone(ns) : undefined;
  }

  /** Stores a pod as the scheduler and kubelet would have left it: defaulted, Running, containers ready. */
  addPod(input: PodInput): PodJson {
    const namespace = input.metadata.namespace ?? 'default';
    if (!this.namespaces.has(namespace)) this.addNamespace(namespace);
    const now = nowRfc3339();
    const spec = structuredClone(input.spec);
    spec.containers = spec.containers.map(applyContainerDefaults);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(applyContainerDefaults);
    const ready = (c: { name: string; image?: string }): ContainerStatusJson => ({
      name: c.name,
      state: { running: { startedAt: now } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image ?? '',
      imageID: `${c.image ?? ''}@sha256:${'0'.repeat(64)}`,
      containerID: `containerd://${randomUUID().replace(/-/g, '')}`,
      started: true,
    });
    const pod: PodJson = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { uid: randomUUID(), creationTimestamp: now, ...input.metadata, namespace },
      spec,
      status: { phase: 'Running', containerStatuses: spec.containers.map(ready), ...input.status },
    };
    pod.metadata.resourceVersion = this.bump();
    this.pods.set(`${namespace}/${pod.metadata.name}`, pod);
    this.notify('ADDED', pod);
    return structuredClone(pod);
  }

  getPod(namespace: string, name: string): PodJson | undefined {
    const pod = this.pods.get(`${namespace}/${name}`);
    return pod ? structuredClone(pod) : undefined;
  }

  listPods(namespace: string, labels: Array<[string, string, boolean]>, name?: string): PodJson[] {
    if (name) {
      // A field selector on the name (every watch of one pod): one lookup, not a scan of the cluster.
      const pod = this.pods.get(`${namespace}/${name}`);
      return pod && matchesLabels(pod, labels) ? [structuredClone(pod)] : [];
    }
    return [...this.pods.values()]
      .filter((p) => p.metadata.namespace === namespace && (!name || p.metadata.name === name))
      .filter((p) => matchesLabels(p, labels))
      .map((p) => structuredClone(p));
  }

  /** Applies `mutate` to a copy; stores it with a new resourceVersion only if something changed. */
  updatePod(namespace: string, name: string, mutate: (pod: PodJson) => void): PodJson | undefined {
    const current = this.pods.get(`${namespace}/${name}`);
    if (!current) return undefined;
    const next = structuredClone(current);
    mutate(next);
    if (jsonEqual(current, next)) return structuredClone(current);
    next.metadata.resourceVersion = this.bump();
    this.pods.set(`${namespace}/${name}`, next);
    this.notify('MODIFIED', next);
    return structuredClone(next);
  }

  deletePod(namespace: string, name: string): boolean {
    const pod = this.pods.get(`${namespace}/${name}`);
    if (!pod) return false;
    this.pods.delete(`${namespace}/${name}`);
    const gone = structuredClone(pod);
    gone.metadata.resourceVersion = this.bump();
    this.notify('DELETED', gone);
    return true;
  }

  /** Registers a watch; returns the function that stops it. */
  watch(
    namespace: string,
    name: string | undefined,
    labelSelector: string | null,
    listener: WatchListener,
  ): () => void {
    const watch: PodWatch = {
      namespace,
      labels: parseLabelSelector(labelSelector),
      listener,
      ...(name ? { name } : {}),
    };
    this.watches.add(watch);
    return () => this.watches.delete(watch);
  }

  private notify(type: WatchEventType, pod: PodJson): void {
    for (const w of this.watches) {
      if (w.namespace !== pod.metadata.namespace) continue;
      if (w.name && w.name !== pod.metadata.name) continue;
      if (!matchesLabels(pod, w.labels)) continue;
      w.listener(type, structuredClone(pod));
    }
  }
}
