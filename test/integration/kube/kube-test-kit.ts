/** Shared setup for the kube adapter's integration tests: the fake API server and a real client-node debugger. */
import { deriveContainerName } from '../../../src/core/derive-ids.js';
import type { DebugRequest } from '../../../src/core/model.js';
import type { DebugPlan, DebugProgress } from '../../../src/core/ports.js';
import { createKubePodDebugger, type KubeDebuggerOptions } from '../../../src/kube/index.js';
import type { KubePodDebugger } from '../../../src/kube/run-ephemeral-debug.js';
import {
  aPod,
  type FakeKubeApi,
  type FakeKubeApiOptions,
  startFakeKubeApi,
} from '../../fakes/kube-apiserver/index.js';
import { aDebugRequest, aSilentLogger } from '../../helpers/builders.js';

export interface KubeKit {
  fake: FakeKubeApi;
  debugger: KubePodDebugger;
  /** Waits the debugger asked for (Retry-After), recorded instead of slept through. */
  sleeps: number[];
  logs: Array<{ level: string; meta: object; msg: string }>;
  close(): Promise<void>;
}

let counter = 0;

/** Fake API server with namespace `shop` and pod `web-1`, plus a debugger with short timeouts. */
export async function startKubeKit(
  options: { fake?: FakeKubeApiOptions; debugger?: Partial<KubeDebuggerOptions> } = {},
): Promise<KubeKit> {
  const fake = await startFakeKubeApi(options.fake);
  fake.addNamespace('shop');
  fake.addPod(aPod('web-1', 'shop'));
  const sleeps: number[] = [];
  const logs: KubeKit['logs'] = [];
  const debuggerInstance = createKubePodDebugger({
    kubeConfigOptions: fake.kubeConfigOptions(),
    logger: aSilentLogger(logs),
    requestTimeoutMs: 5_000, // generous: a loaded CI machine must not turn a slow answer into a failure
    watchReconnectDelayMs: 20,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options.debugger,
  });
  return { fake, debugger: debuggerInstance, sleeps, logs, close: () => fake.close() };
}

/** A plan against `shop/web-1` with a fresh request id; `request` fields override the defaults. */
export function aPlan(
  request: Partial<DebugRequest> = {},
  plan: Partial<Omit<DebugPlan, 'request'>> = {},
): DebugPlan {
  counter += 1;
  const req = aDebugRequest({
    id: `rkube${process.pid}x${counter}`,
    target: { namespace: 'shop', kind: 'pod', name: 'web-1' },
    image: 'busybox:1.36',
    profile: 'general',
    commands: [['echo', 'hello']],
    ...request,
  });
  return {
    request: req,
    containerName: deriveContainerName(req.id),
    startDeadlineMs: 3_000,
    runDeadlineMs: 5_000,
    outputCapBytes: 64 * 1024,
    maxContainersPerPod: 50,
    defaultProfile: 'general',
    ...plan,
  };
}

/** Runs a plan and also returns the progress reports. */
export async function runPlan(kit: KubeKit, plan: DebugPlan, signal?: AbortSignal) {
  const progress: DebugProgress[] = [];
  const outcome = await kit.debugger.run(plan, {
    onProgress: (p) => progress.push(p),
    ...(signal ? { signal } : {}),
  });
  return { outcome, progress };
}

/** The API calls a run made, as `VERB resource[/subresource]`. */
export function callsOf(kit: KubeKit): string[] {
  return kit.fake.requests.map((r) => {
    const a = r.attributes;
    return `${a.verb} ${a.resource}${a.subresource ? `/${a.subresource}` : ''}`;
  });
}
