/**
 * A `fetch` for the Slack WebClient (its `fetch` option) that sends the url-encoded POSTs of Web API calls
 * with undici's `Agent.request` instead of `globalThis.fetch`.
 *
 * Why: WebClient 8 calls `globalThis.fetch`, whose WHATWG machinery (Request, Response and Headers objects,
 * web streams) costs about 0.4–0.9 ms of CPU per call in this process; the same POST through `Agent.request`
 * costs about 0.1 ms. A worker makes three Slack calls per job and its throughput is CPU-bound.
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
import type { FetchFunction } from '@slack/web-api';
import { Agent, type Dispatcher } from 'undici';

/** WebClient's Response shape (`FetchResponse`; the package does not export it by name). */
type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];
type RawHeaders = Dispatcher.ResponseData['headers'];

export interface CreateSlackFetchOptions {
  /** Most sockets per origin (undici's `connections`); default: no limit, like `globalThis.fetch`. */
  connectionsPerOrigin?: number;
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

function joined(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** undici already lower-cases header names and collects repeated headers into arrays. */
class ResponseHeaders implements FetchHeaders {
  readonly #raw: RawHeaders;

  constructor(raw: RawHeaders) {
    this.#raw = raw;
  }

  get(name: string): string | null {
    const key = name.toLowerCase();
    return Object.hasOwn(this.#raw, key) ? joined(this.#raw[key]) : null;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [name, value] of Object.entries(this.#raw)) {
      const text = joined(value);
      if (text !== null) yield [name, text];
    }
  }
}

/** A Response with its body already in memory; like fetch's, the body can be read once. */
class BufferedResponse implements FetchResponse {
  readonly ok: boolean;
  readonly headers: ResponseHeaders;
  #bytes: Uint8Array | null;

  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    headers: RawHeaders,
    bytes: Uint8Array,
  ) {
    this.ok = status >= 200 && status <= 299;
    this.headers = new ResponseHeaders(headers);
    this.#bytes = bytes;
  }

  get bodyUsed(): boolean {
    return this.#bytes === null;
  }

  #take(): Uint8Array {
    const bytes = this.#bytes;
    if (bytes === null) throw new TypeError('Body is unusable: Body has already been read');
    this.#bytes = null;
    return bytes;
  }

  async text(): Promise<string> {
    const bytes = this.#take();
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

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

/** A WebClient `fetch` with its own keep-alive undici Agent (see the file comment). */
export function createSlackFetch(options: CreateSlackFetchOptions = {}): SlackFetch {
  const agent = new Agent({ connections: options.connectionsPerOrigin ?? null });
  return async function slackFetch(input, init = {}) {
    const url = typeof input === 'string' ? new URL(input) : input;
    const payload = sendable(init.body);
    if (
      payload === undefined ||
      init.redirect !== 'error' ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.username !== '' ||
      url.password !== ''
    )
      return globalThis.fetch(input, init as RequestInit);

    const signal = init.signal ?? null;
    let response: Dispatcher.ResponseData;
    try {
      response = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod,
        headers: withContentType(init.headers, payload.type),
        body: payload.body,
        signal,
      });
    } catch (error) {
      throw fetchError(error, signal);
    }
    if (REDIRECT_STATUSES.has(response.statusCode) && response.headers.location !== undefined) {
      response.body.dump().catch(() => undefined);
      throw new TypeError('fetch failed', { cause: new Error('unexpected redirect') });
    }
    let bytes: Uint8Array;
    try {
      bytes = await response.body.bytes();
    } catch (error) {
      throw fetchError(error, signal);
    }
    const href = url.hash === '' ? url.href : url.href.slice(0, -url.hash.length);
    return new BufferedResponse(response.statusCode, response.statusText, href, response.headers, bytes);
  };
}
