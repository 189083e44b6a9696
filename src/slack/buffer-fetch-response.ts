/**
 * The Response that create-slack-fetch.ts hands to WebClient: exactly what WebClient reads (status,
 * statusText, url, headers.get/entries, one of text/json/arrayBuffer), over a body already in memory.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FetchFunction } from '@slack/web-api';

/** WebClient's Response shape (`FetchResponse`; the package does not export it by name). */
export type FetchResponse = Awaited<ReturnType<FetchFunction>>;
type FetchHeaders = FetchResponse['headers'];
type RawHeaders = IncomingHttpHeaders;

function joined(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Node already lower-cases header names, joins repeated ones and keeps `set-cookie` as an array. */
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
export class BufferedResponse implements FetchResponse {
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
