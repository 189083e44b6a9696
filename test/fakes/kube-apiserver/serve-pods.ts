/**
 * Handlers for the core/v1 routes the bot uses: namespaces, pods (get, list, watch), the
 * `ephemeralcontainers` subresource (with defaulting, validation and Pod Security admission) and `log`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyContainerDefaults } from './apply-container-defaults.js';
import { applyEphemeralPatch } from './apply-ephemeral-patch.js';
import { badRequest, conflict, forbidden, notFound, type Reply } from './build-status-reply.js';
import { checkPodSecurity, enforceLevel } from './check-pod-security.js';
import { type ClusterStore, parseLabelSelector } from './cluster-store.js';
import type { FakeKubelet } from './fake-kubelet.js';
import { type ContainerJson, isRecord, type PodJson } from './types.js';
import { invalidReply, validateEphemeralContainers } from './validate-ephemeral-containers.js';

export interface PodRoutesContext {
  store: ClusterStore;
  kubelet: FakeKubelet;
  /** Responses that stay open (watches, log follows), ended on close. */
  streams: Set<ServerResponse>;
}

export function getNamespace(ctx: PodRoutesContext, name: string): Reply {
  const ns = ctx.store.getNamespace(name);
  return ns ? { status: 200, body: ns } : notFound('namespaces', name);
}

export function getPod(ctx: PodRoutesContext, namespace: string, name: string): Reply {
  const pod = ctx.store.getPod(namespace, name);
  return pod ? { status: 200, body: pod } : notFound('pods', name);
}

function nameFromFieldSelector(selector: string | null): string | undefined {
  return /(?:^|,)metadata\.name==?([^,]+)/.exec(selector ?? '')?.[1];
}

export function listPods(ctx: PodRoutesContext, namespace: string, query: URLSearchParams): Reply {
  const items = ctx.store.listPods(
    namespace,
    parseLabelSelector(query.get('labelSelector')),
    nameFromFieldSelector(query.get('fieldSelector')),
  );
  return {
    status: 200,
    body: {
      kind: 'PodList',
      apiVersion: 'v1',
      metadata: { resourceVersion: ctx.store.resourceVersion },
      items,
    },
  };
}

/** Chunked NDJSON watch; the current object goes first when it is newer than `resourceVersion`. */
export function watchPods(
  ctx: PodRoutesContext,
  namespace: string,
  query: URLSearchParams,
  res: ServerResponse,
): void {
  const name = nameFromFieldSelector(query.get('fieldSelector'));
  const since = Number(query.get('resourceVersion') ?? 0) || 0;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  const send = (type: string, object: PodJson) => {
    if (Number(object.metadata.resourceVersion) > since) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  for (const pod of ctx.store.listPods(namespace, parseLabelSelector(query.get('labelSelector')), name))
    send(since ? 'MODIFIED' : 'ADDED', pod);
  const stop = ctx.store.watch(namespace, name, query.get('labelSelector'), send);
  ctx.streams.add(res);
  const timeout = Number(query.get('timeoutSeconds') ?? 0);
  const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
  res.on('close', () => {
    stop();
    if (timer) clearTimeout(timer);
    ctx.streams.delete(res);
  });
}

/** PATCH/PUT on `pods/{name}/ephemeralcontainers`. */
export function updateEphemeralContainers(
  ctx: PodRoutesContext,
  namespace: string,
  name: string,
  req: IncomingMessage,
  raw: string,
): Reply {
  const pod = ctx.store.getPod(namespace, name);
  if (!pod) return notFound('pods', name);
  const outcome = applyEphemeralPatch(pod, req.method ?? 'PATCH', req.headers['content-type'] ?? '', raw);
  if (!outcome.ok) return outcome.reply;
  if (
    outcome.preconditionResourceVersion &&
    outcome.preconditionResourceVersion !== pod.metadata.resourceVersion
  ) {
    return conflict('pods', name);
  }
  const list = outcome.ephemeralContainers.map((c) =>
    isRecord(c) ? applyContainerDefaults(c) : c,
  ) as ContainerJson[];
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) {
    const detail = 'static pods do not support ephemeral containers';
    return invalidReply('Pod', name, [{ type: 'FieldValueForbidden', field: '', detail }]);
  }
  const errors = validateEphemeralContainers(pod, list);
  if (errors.length) return invalidReply('Pod', name, errors);
  const oldNames = new Set((pod.spec.ephemeralContainers ?? []).map((c) => c.name));
  if (list.some((c) => !oldNames.has(c.name))) {
    const { level, version } = enforceLevel(ctx.store.getNamespace(namespace)?.metadata.labels);
    const violations = checkPodSecurity({ ...pod, spec: { ...pod.spec, ephemeralContainers: list } }, level);
    if (violations.length) {
      return forbidden('pods', name, `violates PodSecurity "${level}:${version}": ${violations.join(', ')}`);
    }
  }
  const updated = ctx.store.updatePod(namespace, name, (p) => {
    p.spec.ephemeralContainers = list;
  });
  ctx.kubelet.sync(namespace, name);
  return { status: 200, body: updated };
}

const WAITING_TEXT: Record<string, string> = {
  ErrImagePull: "image can't be pulled",
  ImagePullBackOff: 'trying and failing to pull image',
};

/** `GET pods/{name}/log`: 400 for unknown or waiting containers, else text/plain (streamed when following). */
export async function readLog(
  ctx: PodRoutesContext,
  namespace: string,
  name: string,
  query: URLSearchParams,
  res: ServerResponse,
): Promise<Reply | undefined> {
  const pod = ctx.store.getPod(namespace, name);
  if (!pod) return notFound('pods', name);
  const all = [
    ...pod.spec.containers,
    ...(pod.spec.initContainers ?? []),
    ...(pod.spec.ephemeralContainers ?? []),
  ];
  let container = query.get('container') ?? '';
  if (!container) {
    if (all.length !== 1) {
      const names = all.map((c) => c.name).join(' ');
      return badRequest(`a container name must be specified for pod ${name}, choose one of: [${names}]`);
    }
    container = all[0]!.name;
  }
  if (!all.some((c) => c.name === container))
    return badRequest(`container ${container} is not valid for pod ${name}`);
  const statuses = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  const state = statuses.find((s) => s.name === container)?.state;
  if (!state || state.waiting) {
    const reason = state?.waiting?.reason ?? 'ContainerCreating';
    const text = WAITING_TEXT[reason] ?? reason;
    return badRequest(`container "${container}" in pod "${name}" is waiting to start: ${text}`);
  }
  const number = (key: string) => {
    const value = Number(query.get(key));
    return query.has(key) && Number.isFinite(value) ? value : undefined;
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  const log = ctx.kubelet.log(namespace, name, container);
  if (!log) {
    res.end();
    return undefined;
  }
  ctx.streams.add(res);
  const limitBytes = number('limitBytes');
  const tailLines = number('tailLines');
  await log.serve(res, {
    follow: query.get('follow') === 'true',
    timestamps: query.get('timestamps') === 'true',
    ...(limitBytes !== undefined ? { limitBytes } : {}),
    ...(tailLines !== undefined ? { tailLines } : {}),
  });
  ctx.streams.delete(res);
  return undefined;
}
