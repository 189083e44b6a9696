/** HTTP plumbing of the fake API server: bodies in, JSON replies out, canned fault replies. */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import { type Reply, statusReply } from './build-status-reply.js';

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseBody(raw: string): unknown {
  if (raw === '') return '';
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) return void res.end();
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
  res.end(body);
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** A fault rule's canned answer; a bare status gets the Status body the apiserver would send. */
export function faultReply(respond: {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}): Reply {
  const headers = respond.headers ?? {};
  if (respond.body !== undefined) return { status: respond.status, body: respond.body, headers };
  if (respond.status < 400) return { status: respond.status, body: {}, headers };
  const reason = REASONS[respond.status] ?? 'Unknown';
  return { ...statusReply(respond.status, reason, STATUS_CODES[respond.status] ?? 'error'), headers };
}
