/**
 * client-node's HTTP layer for the REST calls (read pod, read namespace, patch ephemeral containers):
 * `node:http(s)` with the Agent the kubeconfig prepared (TLS material, our keep-alive pool), instead of
 * client-node's default node-fetch wrapper. Same requests and answers at about half the CPU per call;
 * the worker's throughput is CPU-bound. Plugged in through client-node's documented `httpApi` option
 * (`makeApiOverNodeHttp`, used for every API client the bot makes).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import {
  type Configuration,
  createConfiguration,
  type HttpLibrary,
  type KubeConfig,
  type RequestContext,
  ResponseContext,
  SelfDecodingBody,
  ServerConfiguration,
  wrapHttpLibrary,
} from '@kubernetes/client-node';

/** Largest answer read (a pod list of a big namespace fits; anything larger is not one of our calls). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function send(context: RequestContext): Promise<ResponseContext> {
  const url = new URL(context.getUrl());
  const body = context.getBody();
  if (body !== undefined && typeof body !== 'string')
    return Promise.reject(new Error('only string request bodies are sent by this client'));
  const signal = context.getSignal();
  if (signal?.aborted) return Promise.reject(signal.reason);
  const headers: Record<string, string> = { ...context.getHeaders() };
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      { method: context.getHttpMethod(), headers, agent: context.getAgent() },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) request.destroy(new Error(`answer larger than ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const bytes = Buffer.concat(chunks);
          resolve(
            new ResponseContext(
              response.statusCode ?? 0,
              flatHeaders(response.headers),
              new SelfDecodingBody(Promise.resolve(bytes)),
            ),
          );
        });
      },
    );
    function fail(error: unknown) {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(signal.reason);
      // Transport failures (TLS, proxy, oversized answer…) are marked like node-fetch's FetchError, which
      // translate-api-error.ts treats as a retryable connection problem.
      if (error instanceof Error) Object.assign(error, { type: 'system' });
      reject(error);
    }
    function onAbort() {
      request.destroy(signal!.reason as Error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', fail);
    request.end(body);
  });
}

/** The `httpApi` for client-node's `createConfiguration`. */
export function nodeHttpLibrary(): HttpLibrary {
  return wrapHttpLibrary({ send });
}

/** `kc.makeApiClient(ApiClass)` with node:http as the transport: same server, same kubeconfig auth. */
export function makeApiOverNodeHttp<T>(kc: KubeConfig, apiClass: new (config: Configuration) => T): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  return new apiClass(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      httpApi: nodeHttpLibrary(),
    }),
  );
}
