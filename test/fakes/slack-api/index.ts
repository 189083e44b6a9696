import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type FakeMessage,
  FakeSlackState,
  type FakeUpload,
  type FakeUser,
  type FakeUsergroupInfo,
} from './fake-slack-state.js';
import { parseBody, readRawBody } from './read-body.js';

export type { FakeMessage, FakeUpload, FakeUser, FakeUsergroupInfo } from './fake-slack-state.js';

/** One request the fake received (Web API methods, plus `upload` for upload-URL POSTs). */
export interface FakeSlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** The bearer token sent, if any. */
  token?: string;
  /** HTTP status answered. */
  status: number;
  /** Slack `error` answered, when the call failed. */
  error?: string;
}

/** A failure to inject into the next call(s) of a method. */
export type FakeFailure = { status: 429; retryAfter?: number } | { status: number } | { error: string };

/** A JSON POST to a `response_url`. */
export interface ResponseUrlPost {
  id: string;
  body: unknown;
  at: number;
}

export interface FakeSlackOptions {
  /** The one bot token accepted (default `xoxb-fake-bot-token`). */
  token?: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  users?: FakeUser[];
  /** Usergroup id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** Usergroup id → handle, name, disabled (what `usergroups.list` shows); default handle = id in lower case. */
  usergroupInfo?: Record<string, FakeUsergroupInfo>;
  tooManyBlocksError?: 'invalid_blocks' | 'msg_blocks_too_long';
}

/** A running fake Slack Web API on 127.0.0.1 with an ephemeral port. */
export interface FakeSlack {
  /** Web API base url for `slackApiUrl`: `http://127.0.0.1:P/api/`. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly identity: { teamId: string; botUserId: string; botId: string };
  readonly calls: FakeSlackCall[];
  readonly messages: FakeMessage[];
  readonly uploads: FakeUpload[];
  callsTo(method: string): FakeSlackCall[];
  /** The next `times` calls of `method` (or `response_url`) fail as given. */
  failNext(method: string, failure: FakeFailure, times?: number): void;
  /** A response_url on the fake; POSTs to it are recorded under `id`. */
  responseUrl(id: string): string;
  responsePosts(id?: string): ResponseUrlPost[];
  /** Replies in a thread, in the order they were posted (file shares included). */
  threadReplies(channel: string, threadTs: string): FakeMessage[];
  /** A message's text and blocks after all updates. */
  finalMessage(channel: string, ts: string): { text?: string; blocks?: unknown[] } | undefined;
  /** Everything sent to the fake as one string, for "nothing live/secret was sent" checks. */
  everythingSent(): string;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Starts the fake Slack Web API (REFERENCE E). Close it in `afterEach`/`afterAll`. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const token = options.token ?? 'xoxb-fake-bot-token';
  const identity = {
    teamId: options.teamId ?? 'T0FAKE',
    botUserId: options.botUserId ?? 'U0BOT',
    botId: options.botId ?? 'B0BOT',
  };
  let origin = '';
  const state = new FakeSlackState(
    () => origin,
    identity,
    options.users ?? [],
    options.usergroups ?? {},
    { tooManyBlocksError: options.tooManyBlocksError ?? 'invalid_blocks' },
    options.usergroupInfo ?? {},
  );
  const calls: FakeSlackCall[] = [];
  const posts: ResponseUrlPost[] = [];
  const failures = new Map<string, FakeFailure[]>();

  function takeFailure(method: string): FakeFailure | undefined {
    return failures.get(method)?.shift();
  }

  function answerFailure(res: ServerResponse, failure: FakeFailure, call: FakeSlackCall): void {
    if ('error' in failure) {
      call.error = failure.error;
      send(res, 200, { ok: false, error: failure.error });
    } else if (failure.status === 429) {
      call.status = 429;
      call.error = 'ratelimited';
      const retryAfter = 'retryAfter' in failure ? failure.retryAfter : 1;
      send(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter ?? 1) });
    } else {
      call.status = failure.status;
      send(res, failure.status, { ok: false, error: 'fake_http_error' });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readRawBody(req);
    if (url.pathname.startsWith('/response/')) {
      const id = decodeURIComponent(url.pathname.slice('/response/'.length));
      const failure = takeFailure('response_url');
      if (failure)
        return answerFailure(res, failure, { method: 'response_url', args: {}, at: Date.now(), status: 200 });
      posts.push({ id, body: raw.length ? JSON.parse(raw.toString('utf8')) : undefined, at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const body = await parseBody(raw, req.headers['content-type']);
    const sentToken = bearer(req) ?? (typeof body.args.token === 'string' ? body.args.token : undefined);
    const call: FakeSlackCall = { method: '', args: body.args, at: Date.now(), status: 200 };
    if (sentToken !== undefined) call.token = sentToken;
    calls.push(call);

    if (url.pathname.startsWith('/upload/')) {
      call.method = 'upload';
      const failure = takeFailure('upload');
      if (failure) return answerFailure(res, failure, call);
      // Slack's upload URL wants the bot token as a bearer header and the bytes in a field named `body`.
      if (bearer(req) !== token) {
        call.status = 401;
        res.writeHead(401).end();
        return;
      }
      const file = body.files.find((f) => f.field === 'body');
      if (!file || !state.receiveUpload(url.pathname.slice('/upload/'.length), file.content)) {
        call.status = 404;
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK - 200');
      return;
    }
    if (!url.pathname.startsWith('/api/') || req.method !== 'POST') {
      call.method = url.pathname;
      call.status = 404;
      res.writeHead(404).end();
      return;
    }
    call.method = url.pathname.slice('/api/'.length);
    const failure = takeFailure(call.method);
    if (failure) return answerFailure(res, failure, call);
    if (sentToken === undefined) {
      call.error = 'not_authed';
      return send(res, 200, { ok: false, error: 'not_authed' });
    }
    if (sentToken !== token) {
      call.error = 'invalid_auth';
      return send(res, 200, { ok: false, error: 'invalid_auth' });
    }
    const result = state.call(call.method, body.args);
    if (!result.ok) call.error = result.error;
    send(res, 200, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/api/`,
    origin,
    token,
    identity,
    calls,
    messages: state.messages,
    uploads: state.uploads,
    callsTo: (method) => calls.filter((c) => c.method === method),
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push(failure);
      failures.set(method, queue);
    },
    responseUrl: (id) => `${origin}/response/${encodeURIComponent(id)}`,
    responsePosts: (id) => (id === undefined ? posts : posts.filter((p) => p.id === id)),
    threadReplies: (channel, threadTs) =>
      state.messages.filter((m) => m.channel === channel && m.threadTs === threadTs && m.ts !== threadTs),
    finalMessage(channel, ts) {
      const message = state.messages.find((m) => m.channel === channel && m.ts === ts);
      if (!message) return undefined;
      const last = message.updates.at(-1);
      return last ? { text: last.text ?? message.text, blocks: last.blocks ?? message.blocks } : message;
    },
    everythingSent: () =>
      JSON.stringify([
        calls.map((c) => c.args),
        posts.map((p) => p.body),
        state.uploads.map((u) => u.content?.toString('utf8') ?? ''),
      ]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
