/**
 * A `fetch` for the Slack WebClient (its `fetch` option) that sends the url-encoded POSTs of Web API calls
 * with `node:http(s)` over keep-alive Agents instead of `globalThis.fetch`.
 *
 * Why: WebClient 8 calls `globalThis.fetch`, whose WHATWG machinery (Request, Response and Headers objects,
 * web streams) costs about 0.4–0.9 ms of CPU per call in this process; the same POST through `node:http`
 * costs about 0.1 ms (undici's `request` is as fast, but loading undici costs the worker ~15 MB of RSS).
 * A worker makes three Slack calls per job and its throughput is CPU-bound. The per-request timeout is a
 * socket timeout here (WebClient's own `timeout` would create an AbortSignal timer per call).
 *
 * WebClient reads little of a Response (makeRequest, buildResult): `status`, `statusText`, `url`,
 * `headers.get`/`entries` and one of `text`/`json`/`arrayBuffer`, so that is all this returns. The body is read
 * in full before the promise resolves (Slack's answers are small and WebClient buffers them anyway): the socket
 * is freed even when WebClient never reads the body (429s), and an abort or broken connection while reading
 * rejects here, where WebClient turns it into a retryable `slack_webapi_request_error`.
 *
 * What this does not handle goes to `globalThis.fetch` unchanged: bodies other than a string, URLSearchParams or
 * bytes (the FormData of file uploads, Blobs, streams), redirect modes other than `error`, and urls that are not
 * plain http(s).
 */
import http from 'node:http';
import https from 'node:https';
import { BufferedResponse, type FetchResponse } from './buffer-fetch-response.js';

export interface CreateSlackFetchOptions {
  /** A request whose socket stays silent this long fails (retryable); default 30 s, 0 = none. */
  timeoutMs?: number;
}

/** What the returned function accepts: WebClient's request init, plus the other bodies fetch knows. */
export interface SlackFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams | Uint8Array | FormData | Blob | null;
  redirect?: 'error' | 'follow' | 'manual';
  signal?: AbortSignal | null;
}

/** Assignable to WebClient's `fetch` option (`FetchFunction`). */
export type SlackFetch = (url: string | URL, init?: SlackFetchInit) => Promise<FetchResponse>;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The body and the content-type fetch would add for it, or `undefined` when fetch must send it. */
function sendable(
  body: SlackFetchInit['body'],
): { body: string | Uint8Array | null; type?: string } | undefined {
  if (body === undefined || body === null) return { body: null };
  if (typeof body === 'string') return { body, type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams)
    return { body: body.toString(), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (body instanceof Uint8Array) return { body };
  return undefined;
}

function withContentType(headers: Record<string, string> = {}, type?: string): Record<string, string> {
  if (type === undefined) return headers;
  for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-type') return headers;
  return { ...headers, 'content-type': type };
}

/** Rejects as fetch does: with the abort reason when aborted, else `TypeError('fetch failed')`. */
function fetchError(error: unknown, signal: AbortSignal | null | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  return new TypeError('fetch failed', { cause: error });
}

/** Keep-alive Agents shared by every WebClient of the process (one pool per origin, as fetch has). */
let agents: { http: http.Agent; https: https.Agent } | undefined;

class SocketTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** A WebClient `fetch` over keep-alive `node:http(s)` Agents (see the file comment). */
export function createSlackFetch(options: CreateSlackFetchOptions = {}): SlackFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return async function slackFetch(input, init = {}) {
    const url = typeof input === 'string' ? new URL(input) : input;
    const payload = sendable(init.body);
    if (
      payload === undefined ||
      init.redirect !== 'error' ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.username !== '' ||
      url.password !== ''
    ) {
      const signal = init.signal ?? (timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined);
      return globalThis.fetch(input, { ...init, ...(signal ? { signal } : {}) } as RequestInit);
    }
    // Idle sockets are closed after 4 s (as undici does), before a server or load balancer drops them
    // under us; the most recently used socket is reused first.
    agents ??= {
      http: new http.Agent({ keepAlive: true, timeout: 4000, scheduling: 'lifo' }),
      https: new https.Agent({ keepAlive: true, timeout: 4000, scheduling: 'lifo' }),
    };
    const secure = url.protocol === 'https:';
    const body = payload.body === null ? undefined : payload.body;
    const headers = { ...withContentType(init.headers, payload.type) };
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    return new Promise<FetchResponse>((resolve, reject) => {
      const fail = (error: unknown) => {
        signal?.removeEventListener('abort', onAbort);
        reject(fetchError(error, signal));
      };
      const request = (secure ? https : http).request(
        url,
        {
          method: (init.method ?? 'GET').toUpperCase(),
          headers,
          agent: secure ? agents!.https : agents!.http,
          // Also covers DNS and connect (setTimeout below starts only once connected).
          ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (REDIRECT_STATUSES.has(status) && response.headers.location !== undefined) {
            response.resume();
            fail(new Error('unexpected redirect'));
            return;
          }
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', fail);
          response.on('end', () => {
            signal?.removeEventListener('abort', onAbort);
            const href = url.hash === '' ? url.href : url.href.slice(0, -url.hash.length);
            const bytes = Buffer.concat(chunks);
            resolve(
              new BufferedResponse(status, response.statusMessage ?? '', href, response.headers, bytes),
            );
          });
        },
      );
      function onAbort() {
        request.destroy(signal!.reason as Error);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      request.on('error', fail);
      if (timeoutMs > 0)
        request.on('timeout', () =>
          request.destroy(new SocketTimeoutError(`no answer within ${timeoutMs} ms`)),
        );
      request.end(body);
    });
  };
}
