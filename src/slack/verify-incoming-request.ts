import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';

/** The front door's settings: who signs, how big a body may be, which timestamps are fresh. */
export interface VerifyRequestOptions {
  /**
   * The Slack app's signing secret (HMAC-SHA256 key of `v0:{timestamp}:{body}`). A KeyObject made once
   * (`createSecretKey`) spares each request the key's conversion: about a third of an HMAC here.
   */
  signingSecret: string | KeyObject;
  /** Bodies larger than this are refused with 413: a declared one unread, a streamed one when it passes it. */
  bodyLimitBytes: number;
  /** Oldest signing timestamp accepted (Slack's and Bolt's 5 minutes: a replay window, not more). */
  maxAgeSeconds?: number;
  /** Furthest future timestamp accepted (clock skew); Bolt itself accepts any. */
  maxFutureSkewSeconds: number;
  now?: () => number;
}

/** A request Bolt reads from `rawBody` instead of from the stream (Bolt's BufferedIncomingMessage). */
export type VerifiedRequest = IncomingMessage & { rawBody: Buffer };

/** Why a signed request was refused; the HTTP answer is 401 in every case (as Bolt answers). */
export type SignatureProblem = 'missing headers' | 'stale or future timestamp' | 'bad signature';

function refuse(req: IncomingMessage, res: ServerResponse, status: number, close = false): void {
  res.writeHead(status, close ? { connection: 'close' } : {});
  res.end();
  if (close) req.resume();
}

/**
 * Checks Slack's request signature: both headers present once, the timestamp within the window, and
 * `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{body}`) equal to the header in constant time.
 */
export function checkSlackSignature(
  headers: IncomingHttpHeaders,
  body: Buffer,
  options: VerifyRequestOptions,
): SignatureProblem | undefined {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return 'missing headers';
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const age = nowSeconds - Number(timestamp);
  if (age > (options.maxAgeSeconds ?? 300) || -age > options.maxFutureSkewSeconds)
    return 'stale or future timestamp';
  const expected = Buffer.from(
    `v0=${createHmac('sha256', options.signingSecret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'bad signature';
}

/**
 * The front door of the HTTP endpoint, in front of Bolt's HTTPReceiver (which runs with its own
 * signature check off, because this one has already run): every request that is not a GET/HEAD — so
 * every request Bolt could turn into an event, whatever its path — is buffered within the body limit
 * and must carry a valid Slack signature, or it is answered here (413, 401) and never reaches Bolt.
 * Slack's unsigned `ssl_check=1` probe is answered 200 here, as Bolt would. A verified request goes
 * to `pass` with its body in `rawBody`, where Bolt reads it instead of the stream.
 *
 * Why not Bolt's own check: it buffers through raw-body, parses a form body twice and compares with
 * tsscmp (two extra HMACs and random bytes per request); this costs about a sixth of a bare Bolt
 * app's CPU per chat ack (README, Benchmarks) for the same verification.
 */
export function verifyIncomingRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: VerifyRequestOptions,
  pass: (req: IncomingMessage) => void,
  onRefused?: (status: number, problem?: SignatureProblem) => void,
): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    pass(req);
    return;
  }
  if (refuseDeclaredOversize(req, res, options, onRefused)) return;
  const limit = options.bodyLimitBytes;
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    if (settled) return;
    size += chunk.length;
    if (size <= limit) {
      chunks.push(chunk);
      return;
    }
    settled = true;
    chunks.length = 0;
    onRefused?.(413);
    refuse(req, res, 413, true);
  });
  req.on('error', () => {
    settled = true;
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    if (req.method === 'POST' && isSslCheck(req, body)) {
      res.writeHead(200);
      res.end();
      return;
    }
    const problem = checkSlackSignature(req.headers, body, options);
    if (problem) {
      onRefused?.(401, problem);
      refuse(req, res, 401);
      return;
    }
    (req as VerifiedRequest).rawBody = body;
    pass(req);
  });
}

/**
 * Answers 413 (and returns true) when the declared `Content-Length` is over the limit. Also used for
 * `Expect: 100-continue`, so such a client is refused before it uploads the body.
 */
export function refuseDeclaredOversize(
  req: IncomingMessage,
  res: ServerResponse,
  options: Pick<VerifyRequestOptions, 'bodyLimitBytes'>,
  onRefused?: (status: number) => void,
): boolean {
  const declared = Number(req.headers['content-length']);
  if (!Number.isFinite(declared) || declared <= options.bodyLimitBytes) return false;
  onRefused?.(413);
  refuse(req, res, 413, true);
  return true;
}

/** Slack's certificate probe on slash-command URLs: an unsigned form body with `ssl_check=1`. */
function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return false;
  if (body.indexOf('ssl_check=') === -1) return false;
  return parseForm(body.toString()).ssl_check === '1';
}
