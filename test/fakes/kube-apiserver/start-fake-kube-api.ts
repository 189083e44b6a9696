/**
 * A fake Kubernetes API server on loopback that @kubernetes/client-node 1.4.0 talks to: real HTTP,
 * real Status bodies, the real ephemeral-container validation and Pod Security rules, RBAC over the
 * request attributes, a fake kubelet that runs containers on this host, request recording and faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeConfig } from '@kubernetes/client-node';
import {
  methodNotAllowed,
  type Reply,
  routeNotFound,
  statusReply,
  unauthorized,
} from './build-status-reply.js';
import { ClusterStore } from './cluster-store.js';
import {
  deriveRequestAttributes,
  isAllowed,
  LEAST_PRIVILEGE_RULES,
  type RbacRule,
  rbacForbidden,
} from './derive-request-attributes.js';
import { type ContainerRuntime, FakeKubelet, type ImageBehaviour } from './fake-kubelet.js';
import {
  type FaultHandle,
  FaultInjector,
  type FaultRule,
  limitResponseBytes,
  type RecordedRequest,
} from './fault-injection.js';
import { faultReply, parseBody, readBody, send } from './send-reply.js';
import {
  getNamespace,
  getPod,
  listPods,
  type PodRoutesContext,
  readLog,
  updateEphemeralContainers,
  watchPods,
} from './serve-pods.js';
import type { ContainerJson, NamespaceJson, PodInput, PodJson } from './types.js';

export interface FakeKubeApiOptions {
  /** RBAC rules for the caller; default: the bot's least-privilege set. */
  rbacAllow?: RbacRule[];
  /** Username in RBAC denials. */
  user?: string;
  /** False: the cluster has no `ephemeralcontainers` subresource (404 with empty details). */
  ephemeralContainers?: boolean;
  /** Replaces spawning real processes (benchmarks, huge outputs). */
  runtime?: ContainerRuntime;
  /** Delay before the kubelet first reports an added container (status absent until then). Default 5 ms. */
  statusDelayMs?: number;
  /** Delay between ContainerCreating and running. Default 10 ms. */
  startDelayMs?: number;
  /** SubjectAccessReview decision; default: allowed. */
  subjectAccessReview?: (spec: Record<string, unknown>) => boolean | { allowed: boolean; reason?: string };
}

/** Filter for `count`: fields must match; `path` may be a pattern. */
export type RequestFilter =
  | ((request: RecordedRequest) => boolean)
  | {
      method?: string;
      path?: string | RegExp;
      verb?: string;
      resource?: string;
      subresource?: string;
      status?: number;
    };

/** What `KubeConfig.loadFromOptions` takes. */
export interface KubeConfigOptionsShape {
  clusters: Array<{ name: string; server: string; skipTLSVerify: boolean }>;
  users: Array<{ name: string; token: string }>;
  contexts: Array<{ name: string; cluster: string; user: string; namespace: string }>;
  currentContext: string;
}

function matches(request: RecordedRequest, filter: RequestFilter): boolean {
  if (typeof filter === 'function') return filter(request);
  const a = request.attributes;
  if (filter.method && filter.method.toUpperCase() !== request.method) return false;
  if (typeof filter.path === 'string' && filter.path !== request.path) return false;
  if (filter.path instanceof RegExp && !filter.path.test(request.path)) return false;
  if (filter.verb && filter.verb !== a.verb) return false;
  if (filter.resource && filter.resource !== a.resource) return false;
  if (filter.subresource !== undefined && filter.subresource !== a.subresource) return false;
  return filter.status === undefined || filter.status === request.status;
}

export class FakeKubeApi {
  readonly requests: RecordedRequest[] = [];
  rbacAllow: RbacRule[];
  private readonly store = new ClusterStore();
  private readonly kubelet: FakeKubelet;
  private readonly faults = new FaultInjector();
  private readonly streams = new Set<ServerResponse>();
  private readonly hung = new Set<ServerResponse>();
  private readonly routes: PodRoutesContext;
  private server?: Server;
  url = '';

  constructor(private readonly options: FakeKubeApiOptions = {}) {
    this.rbacAllow = options.rbacAllow ?? LEAST_PRIVILEGE_RULES.map((r) => ({ ...r }));
    this.kubelet = new FakeKubelet(this.store, {
      statusDelayMs: options.statusDelayMs ?? 5,
      startDelayMs: options.startDelayMs ?? 10,
      ...(options.runtime ? { runtime: options.runtime } : {}),
    });
    this.routes = { store: this.store, kubelet: this.kubelet, streams: this.streams };
  }

  async listen(): Promise<this> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        send(res, statusReply(500, 'InternalError', `fake apiserver: ${String(error)}`));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  kubeConfigOptions(options: { token?: string; namespace?: string } = {}): KubeConfigOptionsShape {
    return {
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'bot', token: options.token ?? 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'bot', namespace: options.namespace ?? 'default' }],
      currentContext: 'fake',
    };
  }

  makeKubeConfig(options: { token?: string; namespace?: string } = {}): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions(this.kubeConfigOptions(options));
    return kc;
  }

  addNamespace(name: string, labels: Record<string, string> = {}): NamespaceJson {
    return this.store.addNamespace(name, labels);
  }

  addPod(pod: PodInput): PodJson {
    return this.store.addPod(pod);
  }

  getPod(namespace: string, name: string): PodJson | undefined {
    return this.store.getPod(namespace, name);
  }

  updatePod(namespace: string, name: string, mutate: (pod: PodJson) => void): PodJson | undefined {
    return this.store.updatePod(namespace, name, mutate);
  }

  deletePod(namespace: string, name: string): boolean {
    return this.store.deletePod(namespace, name);
  }

  /** Ephemeral containers of a pod as stored. */
  ephemeralContainers(namespace: string, name: string): ContainerJson[] {
    return this.store.getPod(namespace, name)?.spec.ephemeralContainers ?? [];
  }

  /** Log text (no timestamps) of a container the fake kubelet ran. */
  containerLog(namespace: string, pod: string, container: string): string {
    return this.kubelet.log(namespace, pod, container)?.text() ?? '';
  }

  setImage(image: string, behaviour: ImageBehaviour): void {
    this.kubelet.setImage(image, behaviour);
  }

  setRunForever(match?: (container: ContainerJson) => boolean): void {
    this.kubelet.setRunForever(match);
  }

  inject(rule: FaultRule): FaultHandle {
    return this.faults.add(rule);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  count(filter: RequestFilter = () => true): number {
    return this.requests.filter((r) => matches(r, filter)).length;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    await this.kubelet.close();
    for (const res of [...this.streams, ...this.hung]) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const attributes = deriveRequestAttributes(method, url.pathname, url.searchParams);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers['content-type'] ?? '',
      body: parseBody(raw),
      attributes,
      allowed: isAllowed(this.rbacAllow, attributes),
    };
    this.requests.push(record);
    const rule = this.faults.take(record);
    res.on('close', () => {
      if (res.headersSent) record.status = res.statusCode;
      void rule?.afterResponse?.(record);
    });
    if (rule?.delayMs) await sleep(rule.delayMs);
    const respond = rule?.respond;
    if (respond !== undefined) {
      record.fault = typeof respond === 'string' ? respond : String(respond.status);
      if (rule?.apply && record.allowed) await this.route(method, url, req, res, raw);
      if (respond === 'hang') return void this.hung.add(res);
      if (respond === 'close') return void req.socket.destroy();
      if (typeof respond === 'object') return send(res, faultReply(respond));
      limitResponseBytes(res, rule?.bytes ?? 0, respond === 'cut-after-bytes' ? 'cut' : 'end');
    }
    if (!req.headers.authorization) return send(res, unauthorized());
    if (!record.allowed) return send(res, rbacForbidden(attributes, this.options.user ?? DEFAULT_USER));
    const reply = await this.route(method, url, req, res, raw);
    if (reply) send(res, reply);
  }

  private async route(
    method: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    raw: string,
  ): Promise<Reply | undefined> {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (url.pathname === '/apis/authorization.k8s.io/v1/subjectaccessreviews') {
      return method === 'POST' ? this.subjectAccessReview(raw) : methodNotAllowed();
    }
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'namespaces' || !parts[3])
      return routeNotFound();
    const [, , , namespace, collection, name, sub, ...extra] = parts as [
      string,
      string,
      string,
      string,
      ...string[],
    ];
    if (extra.length) return routeNotFound();
    if (!collection) return method === 'GET' ? getNamespace(this.routes, namespace) : methodNotAllowed();
    if (collection !== 'pods') return routeNotFound();
    if (!name) {
      if (method !== 'GET') return methodNotAllowed();
      const watch = url.searchParams.get('watch');
      if (watch === 'true' || watch === '1')
        return void watchPods(this.routes, namespace, url.searchParams, res);
      return listPods(this.routes, namespace, url.searchParams);
    }
    if (!sub) return method === 'GET' ? getPod(this.routes, namespace, name) : methodNotAllowed();
    if (sub === 'log')
      return method === 'GET'
        ? readLog(this.routes, namespace, name, url.searchParams, res)
        : methodNotAllowed();
    if (sub === 'ephemeralcontainers' && this.options.ephemeralContainers !== false) {
      if (method === 'GET') return getPod(this.routes, namespace, name);
      if (method === 'PATCH' || method === 'PUT')
        return updateEphemeralContainers(this.routes, namespace, name, req, raw);
      return methodNotAllowed();
    }
    return routeNotFound();
  }

  private subjectAccessReview(raw: string): Reply {
    const body = parseBody(raw) as { spec?: Record<string, unknown> };
    const spec = body?.spec ?? {};
    const decision = this.options.subjectAccessReview?.(spec) ?? true;
    const status = typeof decision === 'boolean' ? { allowed: decision } : decision;
    return {
      status: 201,
      body: {
        kind: 'SubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: {},
        spec,
        status,
      },
    };
  }
}

const DEFAULT_USER = 'system:serviceaccount:k8s-debug-bot:k8s-debug-bot';

/** Starts a fake API server on 127.0.0.1 with a random port. */
export function startFakeKubeApi(options: FakeKubeApiOptions = {}): Promise<FakeKubeApi> {
  return new FakeKubeApi(options).listen();
}
