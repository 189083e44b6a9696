/**
 * Composition helpers so `src/main` never touches @kubernetes/client-node: load a kubeconfig (default
 * chain, a file, or explicit options) and wire the API client into a `KubePodDebugger`.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeApi, type KubeApiOptions } from './create-kube-api.js';
import { reuseConnections } from './reuse-connections.js';
import { createAccessReviewer, type KubeAccessReviewer } from './review-access.js';
import { KubePodDebugger, type KubePodDebuggerOptions } from './run-ephemeral-debug.js';

/** What `KubeConfig.loadFromOptions` takes, spelled out so callers need no client-node types. */
export interface KubeConnectionOptions {
  clusters: Array<{
    name: string;
    server: string;
    skipTLSVerify?: boolean;
    caData?: string;
    caFile?: string;
    tlsServerName?: string;
    proxyUrl?: string;
  }>;
  users: Array<{
    name: string;
    token?: string;
    certData?: string;
    keyData?: string;
    certFile?: string;
    keyFile?: string;
    impersonateUser?: string;
  }>;
  contexts: Array<{ name: string; cluster: string; user: string; namespace?: string }>;
  currentContext: string;
}

export type KubeDebuggerOptions = KubePodDebuggerOptions & KubeApiOptions;

/** Where the cluster connection comes from; all optional: default is the usual kubeconfig chain. */
export interface KubeSource {
  /** Explicit connection (tests against the fake API server, generated configs); wins over the rest. */
  kubeConfigOptions?: KubeConnectionOptions;
  /** A kubeconfig file instead of `$KUBECONFIG` / `~/.kube/config` / in-cluster. */
  kubeconfigPath?: string;
  /** Context to switch to after loading. */
  context?: string;
}

function loadKubeConfig(source: KubeSource): KubeConfig {
  const kc = new KubeConfig();
  if (source.kubeConfigOptions) kc.loadFromOptions(source.kubeConfigOptions);
  else if (source.kubeconfigPath) kc.loadFromFile(source.kubeconfigPath);
  else kc.loadFromDefault();
  if (source.context) kc.setCurrentContext(source.context);
  return reuseConnections(kc);
}

/**
 * A debugger for the given source: explicit options, a kubeconfig file, or the default chain
 * (`$KUBECONFIG`, `~/.kube/config`, then the in-cluster service account).
 */
export function createKubePodDebugger(options: KubeDebuggerOptions & KubeSource): KubePodDebugger {
  return new KubePodDebugger(createKubeApi(loadKubeConfig(options), options), options);
}

/** SubjectAccessReview checks over the same connection sources as the debugger. */
export function createKubeAccessReviewer(
  options: KubeSource & { requestTimeoutMs?: number },
): KubeAccessReviewer {
  return createAccessReviewer(loadKubeConfig(options), options);
}

/** Labels of a target's namespace and pod, for production classification. */
export interface TargetLabels {
  namespaceLabels?: Record<string, string>;
  /** Undefined for workload/selector targets (no single pod yet). */
  podLabels?: Record<string, string>;
}

/**
 * Reads the labels production rules may look at, within `requestTimeoutMs` per call (it runs before
 * the chat ack). Throws on any failure; the caller treats unknown labels as production (fail closed).
 */
export function createTargetLabelReader(
  options: KubeSource & { requestTimeoutMs?: number },
): (target: { namespace: string; kind: string; name: string }) => Promise<TargetLabels> {
  const api = createKubeApi(loadKubeConfig(options), { maxRetries: 0, ...options });
  return async (target) => {
    const [namespace, pod] = await Promise.all([
      api.readNamespace(target.namespace),
      target.kind === 'pod' ? api.readPod(target.namespace, target.name) : Promise.resolve(undefined),
    ]);
    return {
      namespaceLabels: namespace.metadata?.labels ?? {},
      ...(pod ? { podLabels: pod.metadata?.labels ?? {} } : {}),
    };
  };
}
