/**
 * The handful of Kubernetes calls the debugger makes, each with a client-side timeout, bounded retries for
 * 429/503 (honouring Retry-After) and errors already translated to DebugError.
 */
import type { IncomingMessage } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ApiException,
  CoreV1Api,
  type KubeConfig,
  PatchStrategy,
  type V1Namespace,
  type V1Pod,
} from '@kubernetes/client-node';
import { attemptWithTimeout, cancelledError, requestOptions } from './apply-request-timeout.js';
import type { EphemeralContainerSpec } from './build-ephemeral-container.js';
import { openStream } from './open-stream.js';
import { makeApiOverNodeHttp } from './send-with-node-http.js';
import { type ApiErrorContext, retryAfterSeconds, translateApiError } from './translate-api-error.js';

/** The calls the debugger needs; everything throws DebugError. */
export interface KubeApi {
  readPod(namespace: string, name: string, signal?: AbortSignal): Promise<V1Pod>;
  listPods(namespace: string, labelSelector: string | undefined, signal?: AbortSignal): Promise<V1Pod[]>;
  readNamespace(name: string, signal?: AbortSignal): Promise<V1Namespace>;
  addEphemeralContainer(
    namespace: string,
    pod: string,
    container: EphemeralContainerSpec,
    signal?: AbortSignal,
  ): Promise<V1Pod>;
  /** NDJSON watch of one pod from `resourceVersion`; the stream lives until `signal` aborts or the server ends it. */
  watchPod(
    namespace: string,
    pod: string,
    resourceVersion: string,
    signal: AbortSignal,
  ): Promise<IncomingMessage>;
  /** The container's log with kubelet timestamps, at most `limitBytes`. */
  streamLog(
    namespace: string,
    pod: string,
    container: string,
    options: { limitBytes: number },
    signal: AbortSignal,
  ): Promise<IncomingMessage>;
}

export interface KubeApiOptions {
  /** Per request: the whole answer for REST calls, the response headers for streams. Default 10 s. */
  requestTimeoutMs?: number;
  /** Retries of a 429/503 before giving up with a retryable error. Default 3. */
  maxRetries?: number;
  /** Upper bound of one Retry-After wait. Default 10 s. */
  maxRetryDelayMs?: number;
  /** Injectable for tests: waits `ms`, rejecting when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function createKubeApi(kc: KubeConfig, options: KubeApiOptions = {}): KubeApi {
  const core = makeApiOverNodeHttp(kc, CoreV1Api);
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 3;
  const maxDelayMs = options.maxRetryDelayMs ?? 10_000;
  const sleep =
    options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}));

  /** Retries 429/503 up to `maxRetries` times, waiting Retry-After (or 1 s, 2 s, …). */
  async function call<T>(
    context: ApiErrorContext,
    signal: AbortSignal | undefined,
    fn: (s: AbortSignal) => Promise<T>,
  ) {
    for (let tries = 0; ; tries++) {
      try {
        return await attemptWithTimeout(context, timeoutMs, signal, fn);
      } catch (error) {
        const throttled = error instanceof ApiException && (error.code === 429 || error.code === 503);
        if (!throttled || tries >= maxRetries) throw translateApiError(error, context);
        const after = retryAfterSeconds(error.headers);
        await sleep(
          Math.min(maxDelayMs, after !== undefined ? after * 1000 : 1000 * (tries + 1)),
          signal,
        ).catch((abort: unknown) => {
          throw cancelledError(abort);
        });
      }
    }
  }

  return {
    readPod: (namespace, name, signal) =>
      call({ operation: 'read-pod', namespace, pod: name }, signal, (s) =>
        core.readNamespacedPod({ name, namespace }, requestOptions(s)),
      ),
    listPods: (namespace, labelSelector, signal) =>
      call({ operation: 'list-pods', namespace }, signal, async (s) => {
        const list = await core.listNamespacedPod(
          { namespace, ...(labelSelector ? { labelSelector } : {}) },
          requestOptions(s),
        );
        return list.items;
      }),
    readNamespace: (name, signal) =>
      call({ operation: 'read-namespace', namespace: name }, signal, (s) =>
        core.readNamespace({ name }, requestOptions(s)),
      ),
    addEphemeralContainer: (namespace, pod, container, signal) =>
      call({ operation: 'patch-ephemeral', namespace, pod }, signal, (s) =>
        core.patchNamespacedPodEphemeralcontainers(
          { name: pod, namespace, body: { spec: { ephemeralContainers: [container] } } },
          requestOptions(s, PatchStrategy.StrategicMergePatch),
        ),
      ),
    watchPod: (namespace, pod, resourceVersion, signal) =>
      call({ operation: 'watch-pod', namespace, pod }, signal, () =>
        openStream(
          kc,
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
          {
            watch: 'true',
            fieldSelector: `metadata.name=${pod}`,
            resourceVersion,
            allowWatchBookmarks: 'false',
          },
          { signal, headerTimeoutMs: timeoutMs },
        ),
      ),
    streamLog: (namespace, pod, container, { limitBytes }, signal) =>
      call({ operation: 'read-log', namespace, pod }, signal, () =>
        openStream(
          kc,
          `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`,
          { container, follow: 'false', timestamps: 'true', limitBytes: String(limitBytes) },
          { signal, headerTimeoutMs: timeoutMs },
        ),
      ),
  };
}
