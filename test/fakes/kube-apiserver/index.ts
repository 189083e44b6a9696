export type { StatusJson } from './build-status-reply.js';
export { checkPodSecurity, enforceLevel, type PodSecurityLevel } from './check-pod-security.js';
export {
  deriveRequestAttributes,
  LEAST_PRIVILEGE_RULES,
  type RbacRule,
  type RequestAttributes,
} from './derive-request-attributes.js';
export type {
  ContainerRuntime,
  ImageBehaviour,
  RuntimeContext,
  RuntimeResult,
  WaitingState,
} from './fake-kubelet.js';
export type { FaultHandle, FaultResponse, FaultRule, RecordedRequest } from './fault-injection.js';
export { aPod, aRestrictedPod } from './pod-fixtures.js';
export {
  FakeKubeApi,
  type FakeKubeApiOptions,
  type KubeConfigOptionsShape,
  type RequestFilter,
  startFakeKubeApi,
} from './start-fake-kube-api.js';
export type { ContainerJson, PodInput, PodJson } from './types.js';
