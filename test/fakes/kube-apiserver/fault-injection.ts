/**
 * Fault rules for the fake API server: answer with a canned status, hang, reset the connection, cut a
 * response after N body bytes, or just observe a normal response (`afterResponse`).
 */
import type { ServerResponse } from 'node:http';
import type { RequestAttributes } from './derive-request-attributes.js';

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** Parsed JSON when the body was JSON, else the raw text ('' for none). */
  body: unknown;
  attributes: RequestAttributes;
  /** False when RBAC (the `rbacAllow` rules) denied the request. */
  allowed: boolean;
  /** Final HTTP status; undefined while in flight or when the connection was dropped. */
  status?: number;
  /** Set when a fault rule handled the request. */
  fault?: string;
}

export type FaultResponse =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'hang'
  | 'close'
  | 'cut-after-bytes'
  | 'end-after-bytes';

export interface FaultRule {
  method?: string;
  /** Exact path, or a pattern tested against the path (without query). */
  path?: string | RegExp;
  /** Query parameters that must be present with these values. */
  query?: Record<string, string>;
  /** How many matching requests the rule handles; unlimited by default. */
  times?: number;
  /** Omitted: the request is served normally (useful with `afterResponse`). */
  respond?: FaultResponse;
  /** Serve the request first (a PATCH takes effect), then answer with `respond`: "it worked but the reply was lost". */
  apply?: boolean;
  /** Body bytes let through by `cut-after-bytes` (connection reset) / `end-after-bytes` (clean end). */
  bytes?: number;
  /** Wait before answering or serving. */
  delayMs?: number;
  /** Runs after the response finished (or the connection was dropped). */
  afterResponse?: (request: RecordedRequest) => void | Promise<void>;
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

interface ActiveRule {
  rule: FaultRule;
  hits: number;
}

export class FaultInjector {
  private readonly rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, hits: 0 };
    this.rules.push(active);
    const rules = this.rules;
    return {
      get hits() {
        return active.hits;
      },
      remove() {
        const i = rules.indexOf(active);
        if (i >= 0) rules.splice(i, 1);
      },
    };
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The first rule matching the request that still has uses left; consumes one use. */
  take(request: RecordedRequest): FaultRule | undefined {
    const active = this.rules.find(({ rule, hits }) => {
      if (rule.times !== undefined && hits >= rule.times) return false;
      if (rule.method && rule.method.toUpperCase() !== request.method) return false;
      if (typeof rule.path === 'string' && rule.path !== request.path) return false;
      if (rule.path instanceof RegExp && !rule.path.test(request.path)) return false;
      return Object.entries(rule.query ?? {}).every(([k, v]) => request.query[k] === v);
    });
    if (!active) return undefined;
    active.hits += 1;
    return active.rule;
  }
}

/** Lets `bytes` body bytes through, then resets the connection (`cut`) or ends the response cleanly. */
export function limitResponseBytes(res: ServerResponse, bytes: number, mode: 'cut' | 'end'): void {
  let sent = 0;
  let limited = false;
  let ended = false;
  const write = res.write.bind(res) as (chunk: Buffer, cb?: () => void) => boolean;
  const end = res.end.bind(res) as () => ServerResponse;
  const stop = () => {
    if (mode === 'cut') res.socket?.destroy();
    else if (!ended) {
      ended = true;
      end();
    }
  };
  res.write = ((chunk: string | Buffer) => {
    if (limited) return false;
    const data = Buffer.from(chunk);
    const room = bytes - sent;
    if (data.length < room) {
      sent += data.length;
      return write(data);
    }
    limited = true;
    sent = bytes;
    write(data.subarray(0, room), () => setImmediate(stop));
    return false;
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown) => {
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) res.write(chunk);
    if (!limited && !ended) {
      ended = true;
      end();
    }
    return res;
  }) as ServerResponse['end'];
}
