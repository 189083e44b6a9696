/**
 * The Kubernetes adapter, the only place that imports @kubernetes/client-node. The composition root needs
 * the factories; everything else in this folder is an implementation detail.
 */

export { createKubeApi, type KubeApi, type KubeApiOptions } from './create-kube-api.js';
export {
  createKubeAccessReviewer,
  createKubePodDebugger,
  type KubeConnectionOptions,
  type KubeDebuggerOptions,
  type KubeSource,
} from './create-kube-debugger.js';
export type { KubeAccessReviewer } from './review-access.js';
export { KubePodDebugger, type KubePodDebuggerOptions } from './run-ephemeral-debug.js';
