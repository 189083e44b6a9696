import { createHmac } from 'node:crypto';
import { request } from 'node:http';
import {
  appMentionEnvelope,
  approvalClickPayload,
  blockActionsPayload,
  cancelClickPayload,
  SLASH_COMMAND_FIELDS,
} from '../fixtures/slack/payloads.js';

/** `v0=` + HMAC-SHA256(secret, `v0:{timestamp}:{body}`) in hex (REFERENCE C.2). */
export function slackSignature(secret: string, timestamp: string | number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A form-encoded slash command body; `fields` override the real-shaped defaults. */
export function slashCommandBody(fields: Record<string, string> = {}): string {
  return new URLSearchParams({ ...SLASH_COMMAND_FIELDS, ...fields }).toString();
}

/**
 * A form-encoded block_actions body (`payload=<json>`); overrides set the action id, `block_id`, `value`,
 * the user's id and team id, the channel and the message `ts`.
 */
export function blockActionsBody(overrides: Parameters<typeof blockActionsPayload>[0] = {}): string {
  return new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(overrides)) }).toString();
}

/** A form-encoded click on an approval card's Approve / Deny / Cancel request button. */
export function approvalClickBody(overrides: Parameters<typeof approvalClickPayload>[0] = {}): string {
  return new URLSearchParams({ payload: JSON.stringify(approvalClickPayload(overrides)) }).toString();
}

/** A form-encoded Cancel click on a root message. */
export function cancelClickBody(overrides: Parameters<typeof cancelClickPayload>[0] = {}): string {
  return new URLSearchParams({ payload: JSON.stringify(cancelClickPayload(overrides)) }).toString();
}

/** A JSON `event_callback` body carrying an `app_mention` (send with `contentType: 'application/json'`). */
export function appMentionBody(...args: Parameters<typeof appMentionEnvelope>): string {
  return JSON.stringify(appMentionEnvelope(...args));
}

/**
 * Signs an Events API body as Slack delivers it: JSON, and on a redelivery `X-Slack-Retry-Num` and
 * `X-Slack-Retry-Reason` (which are not signed; the body, with the same `event_id`, is).
 */
export function signedEventDelivery(
  secret: string,
  body: string,
  retry?: { num: number; reason?: string },
): SignOptions {
  const headers: Record<string, string> = {};
  if (retry) {
    headers['x-slack-retry-num'] = String(retry.num);
    headers['x-slack-retry-reason'] = retry.reason ?? 'http_timeout';
  }
  return { secret, body, contentType: 'application/json', headers };
}

export interface SignOptions {
  secret: string;
  body: string;
  /** Unix seconds; default now. Use `now - 360` for stale, `now + 600` for future. */
  timestamp?: number | string;
  /** Sign with this secret instead (a forged request). */
  signWith?: string;
  /** Headers to leave out. */
  omit?: Array<'signature' | 'timestamp'>;
  /** Headers to send twice (the second copy with a different value). */
  duplicate?: Array<'signature' | 'timestamp'>;
  /** Default `application/x-www-form-urlencoded` (exactly: Bolt refuses `; charset=…`). */
  contentType?: string;
  /** More headers to send as they are (e.g. `x-slack-retry-num`). */
  headers?: Record<string, string>;
}

/** Header name → one value, or several values sent as separate header lines. */
export type SignedHeaders = Record<string, string | string[]>;

/** Builds the signed headers for a body, with the variations the security tests need. */
export function signSlackRequest(options: SignOptions): SignedHeaders {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = slackSignature(options.signWith ?? options.secret, timestamp, options.body);
  const headers: SignedHeaders = {
    ...options.headers,
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
  };
  const omit = options.omit ?? [];
  const duplicate = options.duplicate ?? [];
  if (!omit.includes('timestamp')) {
    headers['x-slack-request-timestamp'] = duplicate.includes('timestamp')
      ? [timestamp, String(Number(timestamp) - 1)]
      : timestamp;
  }
  if (!omit.includes('signature')) {
    headers['x-slack-signature'] = duplicate.includes('signature')
      ? [signature, `v0=${'0'.repeat(64)}`]
      : signature;
  }
  return headers;
}

/** An HTTP answer, read fully. */
export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POSTs raw bytes with exactly the given headers (node:http, so duplicate header lines are sent as
 * duplicates; `transfer-encoding: chunked` sends no Content-Length). Resolves with the answer; a connection reset after an early answer still resolves.
 */
export function postRaw(url: string, body: string | Buffer, headers: SignedHeaders): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const chunked = headers['transfer-encoding'] === 'chunked';
    const length = chunked ? {} : { 'content-length': Buffer.byteLength(body) };
    const req = request(url, { method: 'POST', headers: { ...headers, ...length } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs and POSTs a body to a Bolt endpoint. */
export function postSigned(url: string, options: SignOptions): Promise<PostResult> {
  return postRaw(url, options.body, signSlackRequest(options));
}
