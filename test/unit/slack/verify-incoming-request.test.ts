import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSlackSignature,
  type VerifiedRequest,
  verifyIncomingRequest,
} from '../../../src/slack/verify-incoming-request.js';

const SECRET = 'test-signing-secret';
const NOW = 1_700_000_000;
const options = {
  signingSecret: SECRET,
  bodyLimitBytes: 1000,
  maxFutureSkewSeconds: 60,
  now: () => NOW * 1000,
};

function sign(body: string, timestamp = NOW, secret = SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

describe('verifyIncomingRequest on a real HTTP server', () => {
  let server: Server;
  let port: number;
  const passed: Array<{ method: string; url: string; rawBody?: string }> = [];
  const refused: Array<[number, string | undefined]> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      verifyIncomingRequest(
        req,
        res,
        options,
        (verified: IncomingMessage) => {
          const raw = (verified as Partial<VerifiedRequest>).rawBody;
          passed.push({
            method: verified.method!,
            url: verified.url!,
            ...(raw ? { rawBody: raw.toString() } : {}),
          });
          res.writeHead(200);
          res.end('passed');
        },
        (status, problem) => refused.push([status, problem]),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | string[],
  ): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      for (const part of Array.isArray(body) ? body : body ? [body] : []) req.write(part);
      req.end();
    });
  }

  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  it('hands a correctly signed request on with its body buffered for Bolt', async () => {
    passed.length = 0;
    const body = 'command=%2Fdebug&text=web-1';
    expect(await send('POST', '/slack/events', { ...form, ...sign(body) }, body)).toEqual({
      status: 200,
      text: 'passed',
    });
    expect(passed).toEqual([{ method: 'POST', url: '/slack/events', rawBody: body }]);
  });

  it('answers 401 to a forged, stale, future or unsigned request, on any path, and never hands it on', async () => {
    passed.length = 0;
    refused.length = 0;
    const body = 'command=%2Fdebug&text=web-1';
    const cases: Array<[string, Record<string, string>]> = [
      ['/slack/events', sign(body, NOW, 'another-secret')],
      ['/slack/events', sign(`${body}&x=1`)],
      ['/slack/events', sign(body, NOW - 301)],
      ['/slack/events', sign(body, NOW + 61)],
      ['/slack/events', {}],
      ['/slack/events', { ...sign(body), 'x-slack-request-timestamp': '1e9' }],
      ['/slack/./events', {}],
      ['/elsewhere', {}],
    ];
    for (const [path, headers] of cases)
      expect((await send('POST', path, { ...form, ...headers }, body)).status, path).toBe(401);
    expect(passed).toEqual([]);
    expect(refused.map(([, problem]) => problem)).toEqual([
      'bad signature',
      'bad signature',
      'stale or future timestamp',
      'stale or future timestamp',
      'missing headers',
      'missing headers',
      'missing headers',
      'missing headers',
    ]);
  });

  it('accepts the edges of the timestamp window', async () => {
    passed.length = 0;
    for (const timestamp of [NOW - 300, NOW + 60]) {
      const body = `text=${timestamp}`;
      expect((await send('POST', '/slack/events', { ...form, ...sign(body, timestamp) }, body)).status).toBe(
        200,
      );
    }
    expect(passed).toHaveLength(2);
  });

  it('answers 413 to a body over the limit, declared or streamed, without handing it on', async () => {
    passed.length = 0;
    const big = 'x'.repeat(1001);
    expect((await send('POST', '/slack/events', { ...form, ...sign(big) }, big)).status).toBe(413);
    const chunked = await send(
      'POST',
      '/slack/events',
      { ...form, ...sign(big), 'transfer-encoding': 'chunked' },
      ['x'.repeat(600), 'x'.repeat(401)],
    );
    expect(chunked.status).toBe(413);
    expect(passed).toEqual([]);
  });

  it("answers Slack's unsigned ssl_check probe itself, as Bolt does, and hands nothing on", async () => {
    passed.length = 0;
    const probe = await send('POST', '/slack/events', form, 'ssl_check=1&token=x&command=%2Fdebug');
    expect(probe).toEqual({ status: 200, text: '' });
    expect(passed).toEqual([]);
  });

  it('hands GET and HEAD requests (health checks) on unread', async () => {
    passed.length = 0;
    expect((await send('GET', '/healthz', {})).status).toBe(200);
    expect((await send('HEAD', '/healthz', {})).status).toBe(200);
    expect(passed).toEqual([
      { method: 'GET', url: '/healthz' },
      { method: 'HEAD', url: '/healthz' },
    ]);
  });
});

describe('checkSlackSignature', () => {
  it('compares the whole header, so a prefix or a differently cased digest fails', () => {
    const body = Buffer.from('a=1');
    const good = sign('a=1');
    expect(checkSlackSignature(good, body, options)).toBeUndefined();
    const signature = good['x-slack-signature']!;
    for (const forged of [
      signature.slice(0, -1),
      signature.toUpperCase(),
      `${signature}0`,
      signature.slice(3),
    ])
      expect(checkSlackSignature({ ...good, 'x-slack-signature': forged }, body, options)).toBe(
        'bad signature',
      );
  });
});
