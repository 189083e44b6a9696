import type { IncomingMessage, ServerResponse } from 'node:http';

/** Checks made before Bolt reads a request (Bolt buffers the body first and accepts future timestamps). */
export interface RequestGuardOptions {
  /** Paths Bolt serves (`/slack/events`). */
  endpoints: readonly string[];
  /** Declared bodies larger than this are refused with 413 without being buffered. */
  bodyLimitBytes: number;
  /** Timestamps further than this in the future are refused with 401 (Bolt only refuses old ones). */
  maxFutureSkewSeconds: number;
  now?: () => number;
}

function refuse(req: IncomingMessage, res: ServerResponse, status: number): true {
  res.writeHead(status, { connection: 'close' });
  res.end();
  req.resume();
  return true;
}

/**
 * Answers requests to Bolt's endpoints that must never reach Bolt: a declared `Content-Length` over the
 * limit (413; the body is discarded as it arrives, never held), or a signing timestamp more than the
 * allowed skew in the future (401, same as Bolt's answer for a stale one). Returns true when it answered.
 * Missing, duplicated or non-numeric headers are left to Bolt, which answers 401.
 */
export function guardIncomingRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: RequestGuardOptions,
): boolean {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method !== 'POST' || !options.endpoints.includes(path)) return false;
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > options.bodyLimitBytes) return refuse(req, res, 413);
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof timestamp === 'string' && /^\d+$/.test(timestamp)) {
    const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
    if (Number(timestamp) > nowSeconds + options.maxFutureSkewSeconds) return refuse(req, res, 401);
  }
  return false;
}
