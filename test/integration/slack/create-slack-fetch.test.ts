import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, LogLevel, WebClient, WebClientEvent, type WebClientOptions } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSlackFetch, type SlackFetch } from '../../../src/slack/create-slack-fetch.js';
import { uploadFileToThread } from '../../../src/slack/post-in-thread.js';
import { toChatError } from '../../../src/slack/to-chat-error.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';

/** A throwaway HTTP server on 127.0.0.1 for what the fake Slack does not do (hang, redirect, echo). */
async function startServer(listener: RequestListener): Promise<{ origin: string; server: Server }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Answers with what it received: method, url, content-type and body. */
const echo: RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    res.setHeader('Set-Cookie', ['a=1', 'b=2']);
    res.setHeader('X-Mixed-Case', 'yes');
    res.writeHead(200, 'Fine', { 'content-type': 'application/json' });
    res.end(JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'], body }));
  });
};

describe('createSlackFetch', () => {
  let fake: FakeSlack;
  let slackFetch: SlackFetch;
  const servers: Server[] = [];

  function client(options: WebClientOptions = {}): WebClient {
    return new WebClient(fake.token, {
      slackApiUrl: fake.url,
      fetch: slackFetch,
      retryConfig: { retries: 0 },
      logLevel: LogLevel.ERROR,
      ...options,
    });
  }

  async function server(listener: RequestListener): Promise<string> {
    const started = await startServer(listener);
    servers.push(started.server);
    return started.origin;
  }

  beforeEach(async () => {
    fake = await startFakeSlack();
    slackFetch = createSlackFetch();
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(servers.splice(0).map(stopServer));
    await fake.close();
  });

  it('sends chat.postMessage through node:http, not global fetch, and the fake records it', async () => {
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    const result = await client().chat.postMessage({ channel: 'C0CHANNEL', text: 'hello *there* & co' });
    expect(result.ok).toBe(true);
    expect(result.ts).toBeTypeOf('string');
    const [call] = fake.callsTo('chat.postMessage');
    expect(call).toMatchObject({ token: fake.token, status: 200 });
    expect(call!.args).toMatchObject({ channel: 'C0CHANNEL', text: 'hello *there* & co' });
    expect(fake.messages.find((m) => m.ts === result.ts)?.text).toBe('hello *there* & co');
    expect(globalFetch).not.toHaveBeenCalled();
  });

  it('retries a 429 after its Retry-After (read through headers.get)', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    const web = client({ retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    const rateLimited = vi.fn();
    web.on(WebClientEvent.RATE_LIMITED, rateLimited);
    const result = await web.chat.postMessage({ channel: 'C0CHANNEL', text: 'again' });
    expect(result.ok).toBe(true);
    expect(fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(rateLimited).toHaveBeenCalledWith(0, expect.anything());
  });

  it('turns a 500 into slack_webapi_http_error with status, headers and body; toChatError retries it', async () => {
    fake.failNext('chat.postMessage', { status: 500 });
    const error = await client()
      .chat.postMessage({ channel: 'C0CHANNEL', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: ErrorCode.HTTPError,
      statusCode: 500,
      statusMessage: 'Internal Server Error',
    });
    expect((error as { headers: Record<string, string> }).headers['content-type']).toContain(
      'application/json',
    );
    expect((error as { body: unknown }).body).toEqual({ ok: false, error: 'fake_http_error' });
    expect(toChatError(error, 'chat.postMessage').retryable).toBe(true);
  });

  it('turns connection refused into a retryable slack_webapi_request_error', async () => {
    const { origin, server: closed } = await startServer(() => undefined);
    await stopServer(closed);
    const error = await client({ slackApiUrl: `${origin}/api/` })
      .chat.postMessage({ channel: 'C0CHANNEL', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.RequestError });
    const original = (error as { original: Error }).original;
    expect(original).toBeInstanceOf(TypeError);
    expect((original.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(toChatError(error, 'chat.postMessage').retryable).toBe(true);
  });

  it("rejects in time when the server never answers (WebClient's timeout aborts the request)", async () => {
    const origin = await server(() => undefined);
    const started = Date.now();
    const error = await client({ slackApiUrl: `${origin}/api/`, timeout: 200 })
      .chat.postMessage({ channel: 'C0CHANNEL', text: 'x' })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ code: ErrorCode.RequestError });
    expect((error as { original: Error }).original.name).toBe('TimeoutError');
  });

  it('has its own socket timeout (what createSlackWebClient uses): a silent server fails retryably', async () => {
    const origin = await server(() => undefined);
    slackFetch = createSlackFetch({ timeoutMs: 200 });
    const started = Date.now();
    const error = await client({ slackApiUrl: `${origin}/api/`, timeout: 0 })
      .chat.postMessage({ channel: 'C0CHANNEL', text: 'x' })
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ code: ErrorCode.RequestError });
    expect(((error as { original: Error }).original.cause as Error).name).toBe('TimeoutError');
    expect(toChatError(error, 'chat.postMessage').retryable).toBe(true);
  });

  it('rejects with the abort reason when the signal aborts', async () => {
    const origin = await server(() => undefined);
    const controller = new AbortController();
    const pending = slackFetch(`${origin}/api/x`, {
      method: 'POST',
      redirect: 'error',
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('answers a Response-like object: case-insensitive headers, repeated ones joined, body read once', async () => {
    const origin = await server(echo);
    const response = await slackFetch(`${origin}/api/chat.postMessage?x=1#frag`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1&b=2',
      redirect: 'error',
    });
    expect(response).toMatchObject({ ok: true, status: 200, statusText: 'Fine' });
    expect(response.url).toBe(`${origin}/api/chat.postMessage?x=1`);
    expect(response.headers.get('x-mixed-case')).toBe('yes');
    expect(response.headers.get('X-MIXED-CASE')).toBe('yes');
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response.headers.get('x-absent')).toBeNull();
    expect(response.headers.get('constructor')).toBeNull();
    expect(Object.fromEntries(response.headers.entries())).toMatchObject({ 'x-mixed-case': 'yes' });
    expect(await response.json()).toEqual({
      method: 'POST',
      url: '/api/chat.postMessage?x=1',
      type: 'application/x-www-form-urlencoded',
      body: 'a=1&b=2',
    });
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('sends URLSearchParams and bytes with the content type fetch would give them', async () => {
    const origin = await server(echo);
    const form = await slackFetch(`${origin}/f`, {
      method: 'post',
      body: new URLSearchParams({ q: 'a b' }),
      redirect: 'error',
    });
    expect(await form.json()).toMatchObject({
      method: 'POST',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'q=a+b',
    });
    const bytes = await slackFetch(`${origin}/b`, {
      method: 'PUT',
      body: Buffer.from('raw'),
      redirect: 'error',
    });
    const echoed = (await bytes.json()) as { type?: string; body: string };
    expect(echoed.body).toBe('raw');
    expect(echoed.type).toBeUndefined();
  });

  it("rejects a redirect with a TypeError, as fetch does with redirect: 'error'", async () => {
    const origin = await server((_req, res) => res.writeHead(302, { location: '/elsewhere' }).end('moved'));
    await expect(
      slackFetch(`${origin}/api/x`, { method: 'POST', body: '', redirect: 'error' }),
    ).rejects.toThrow(TypeError);
    const error = await client({ slackApiUrl: `${origin}/api/` })
      .chat.postMessage({ channel: 'C0CHANNEL', text: 'x' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.RequestError });
  });

  it('leaves binary uploads (FormData) to global fetch: a file still reaches the thread', async () => {
    const web = client();
    const root = await web.chat.postMessage({ channel: 'C0CHANNEL', text: 'root' });
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    const content = `${'line\n'.repeat(10_000)}END\n`;
    await uploadFileToThread(
      web,
      { channelId: 'C0CHANNEL', threadTs: root.ts! },
      { filename: 'out.txt', title: 'Output', content },
    );
    const [upload] = fake.uploads;
    expect(upload).toMatchObject({ filename: 'out.txt', completed: true, channelId: 'C0CHANNEL' });
    expect(upload!.content!.toString('utf8')).toBe(content);
    // Only the upload (multipart) went through global fetch; getUploadURLExternal and completeUploadExternal did not.
    expect(globalFetch).toHaveBeenCalledTimes(1);
    expect(String(globalFetch.mock.calls[0]![0])).toContain('/upload/');
  });
});
