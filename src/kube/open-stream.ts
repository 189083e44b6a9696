/**
 * Long-lived GETs (watch, log follow) over node:http with the kubeconfig's TLS and auth.
 *
 * client-node's `Watch` and `Log` are not used because neither can be aborted before the response
 * headers arrive (a server that accepts and never answers would hang the job), `Log` discards the
 * server's message for non-500 errors, and `Watch` applies no timeout at all (REFERENCE B.3–B.5).
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';

const MAX_ERROR_BODY = 64 * 1024;

export class HeaderTimeoutError extends Error {
  override readonly name = 'HeaderTimeoutError';
}

function readErrorBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_ERROR_BODY) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY)));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Opens `GET path?query` and resolves with the response once a 200 arrived. Non-200 answers reject with an
 * `ApiException` carrying the Status body; no headers within `headerTimeoutMs` rejects with
 * `HeaderTimeoutError`. `signal` aborts the request and, later, the response stream.
 */
export async function openStream(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  options: { signal: AbortSignal; headerTimeoutMs: number },
): Promise<IncomingMessage> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  const requestOptions: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: 'application/json, */*' },
  };
  await kc.applyToHTTPSOptions(requestOptions);
  options.signal.throwIfAborted();
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    // The signal is wired by hand rather than passed to http.request: Node's own wiring can destroy a
    // keep-alive socket that already went back to the pool, raising an AbortError nobody listens for.
    const req = transport.request(url, requestOptions, (res) => {
      clearTimeout(timer);
      // Aborting (cap reached, deadline, cancel) destroys the response with an AbortError, possibly
      // after its reader has stopped listening: keep that from becoming an uncaught exception.
      // Readers still see errors through their own listeners (for await, pipe).
      res.on('error', () => undefined);
      if (res.statusCode === 200) return resolve(res);
      const headers = Object.fromEntries(
        Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
      );
      void readErrorBody(res).then((body) =>
        reject(new ApiException(res.statusCode ?? 0, 'stream request failed', body, headers)),
      );
    });
    const timer = setTimeout(() => {
      req.destroy(new HeaderTimeoutError(`no response within ${options.headerTimeoutMs} ms`));
    }, options.headerTimeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    const onAbort = () =>
      req.destroy(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    options.signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => options.signal.removeEventListener('abort', onAbort));
    req.end();
  });
}
