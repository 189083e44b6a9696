import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  APPROVAL_STATES,
  type Approval,
  type ApprovalCardRef,
  isApprovalId,
  type NewApproval,
  parseUserKey,
  type UserRef,
  userKey,
} from '../core/approval-model.js';
import type {
  ApprovalStore,
  DedupeClaims,
  TransitionCommand,
  TransitionOutcome,
  TransitionResult,
} from '../core/approval-ports.js';
import { DebugError } from '../core/errors.js';
import type { DebugRequest } from '../core/model.js';
import { debugJobSchema } from './job-contract.js';

export interface RedisApprovalStoreOptions {
  /** Producer-style connection (fails fast while Redis is down). */
  connection: Redis;
  /**
   * Key prefix, e.g. the queue prefix. Scripts touch several keys, so on Redis Cluster use a hash tag
   * (`{k8s-debug-bot}`), as BullMQ requires anyway.
   */
  prefix: string;
  /** How long a record outlives its expiry, so late clicks get "already approved by …" (default 24 h). */
  graceMs?: number;
  /** Upper bound for one operation; a stuck Redis never stalls a click (default 2000 ms). */
  timeoutMs?: number;
}

/** A Lua script run by sha (EVALSHA), loaded on first use (NOSCRIPT → EVAL). */
interface LuaScript {
  source: string;
  sha: string;
}

function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const APPROVAL_SCRIPTS = {
  /** KEYS record, approvers, pending index. ARGV id, ttlMs, expiresAtMs, n, n hash args, approver keys… */
  create: lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = tonumber(ARGV[4])
local fields, members = {}, {}
for i = 5, 4 + n do fields[#fields + 1] = ARGV[i] end
for i = 5 + n, #ARGV do members[#members + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if #members > 0 then
  redis.call('SADD', KEYS[2], unpack(members))
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1`),

  /**
   * The check-and-set of ApprovalStore.transition, in the order its contract lists.
   * KEYS record, approvers, approvals, pending index, unqueued index.
   * ARGV kind, id, nowMs, actor user, actor team, expected digest, sha1 of the expected request JSON.
   */
  transition: lua(`
local rec, kind, id, now = KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3])
if redis.call('EXISTS', rec) == 0 then
  redis.call('ZREM', KEYS[4], id)
  return { 'not_found' }
end
local function snapshot(outcome, changed)
  return { outcome, changed, redis.call('HGETALL', rec), redis.call('ZRANGE', KEYS[3], 0, -1, 'WITHSCORES') }
end
local function finish(state, user, team)
  redis.call('HSET', rec, 'state', state, 'decidedAt', ARGV[3], 'decidedByUser', user, 'decidedByTeam', team)
  redis.call('ZREM', KEYS[4], id)
end
if redis.call('HGET', rec, 'state') ~= 'pending' then return snapshot('already_decided', 0) end
if now >= (tonumber(redis.call('HGET', rec, 'expiresAt')) or 0) then
  finish('expired', '', '')
  return snapshot('expired', 1)
end
if kind == 'expire' then return snapshot('not_due', 0) end
local user, team = ARGV[4], ARGV[5]
local isRequester = user == redis.call('HGET', rec, 'requesterUser')
if kind == 'cancel' then
  if not isRequester or team ~= redis.call('HGET', rec, 'requesterTeam') then return snapshot('not_requester', 0) end
  finish('cancelled', user, team)
  return snapshot('cancelled', 1)
end
if isRequester then return snapshot('self', 0) end
local actor = team .. ':' .. user
if redis.call('SISMEMBER', KEYS[2], actor) == 0 then return snapshot('not_approver', 0) end
local request = redis.call('HGET', rec, 'request') or ''
if redis.call('HGET', rec, 'digest') ~= ARGV[6] or redis.sha1hex(request) ~= ARGV[7] then
  return snapshot('digest_mismatch', 0)
end
if kind == 'deny' then
  finish('denied', user, team)
  return snapshot('denied', 1)
end
if redis.call('ZSCORE', KEYS[3], actor) then return snapshot('already_approved_by_you', 0) end
redis.call('ZADD', KEYS[3], now, actor)
local ttl = redis.call('PTTL', rec)
if ttl > 0 then redis.call('PEXPIRE', KEYS[3], ttl) end
if redis.call('ZCARD', KEYS[3]) >= (tonumber(redis.call('HGET', rec, 'required')) or 1) then
  finish('approved', user, team)
  redis.call('ZADD', KEYS[5], now, id)
  return snapshot('approved', 1)
end
return snapshot('approval_recorded', 1)`),

  /** KEYS record[, index]. ARGV field, value[, index member]. Never creates a record without a TTL. */
  setIfExists: lua(`
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
if #KEYS > 1 then redis.call('ZREM', KEYS[2], ARGV[3]) end
return 1`),

  /** KEYS claim key. ARGV request id, ttlMs. Returns the id holding the claim. */
  claim: lua(`
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return ARGV[1] end
return redis.call('GET', KEYS[1])`),
};

const SCHEMA_VERSION = '1';
const requestSchema = debugJobSchema.shape.request;
const metaSchema = z.object({
  cluster: z.string().optional(),
  reason: z.string().optional(),
  productionReasons: z.array(z.string()),
  approvers: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }),
});
const cardSchema = z.object({ channelId: z.string(), messageTs: z.string() });

/**
 * Approval records in Redis: a hash per approval (request snapshot, digest, state), a set of the
 * approvers resolved at creation, a sorted set of approvals, and two indexes (pending by expiry,
 * approved-not-enqueued). Every decision is one Lua script, so checks and the state change are atomic
 * across replicas. Keys expire at the approval's expiry plus `graceMs`; a lost key reads as not found.
 */
export class RedisApprovalStore implements ApprovalStore, DedupeClaims {
  private readonly graceMs: number;

  constructor(private readonly options: RedisApprovalStoreOptions) {
    this.graceMs = options.graceMs ?? 24 * 3600 * 1000;
  }

  async create(
    approval: NewApproval,
    approvers: readonly UserRef[],
  ): Promise<{ created: true } | { created: false; existing?: Approval }> {
    assertId(approval.id);
    const createdAt = Date.parse(approval.createdAt);
    const expiresAt = Date.parse(approval.expiresAt);
    const ttlMs = Math.max(expiresAt - createdAt, 0) + this.graceMs;
    const meta = {
      ...(approval.cluster ? { cluster: approval.cluster } : {}),
      ...(approval.reason ? { reason: approval.reason } : {}),
      productionReasons: approval.productionReasons,
      approvers: approval.approvers,
    };
    const fields = [
      ['v', SCHEMA_VERSION],
      ['state', 'pending'],
      ['request', JSON.stringify(approval.request)],
      ['digest', approval.digest],
      ['requesterUser', approval.request.requester.userId],
      ['requesterTeam', approval.request.requester.teamId],
      ['required', String(approval.approvalsRequired)],
      ['createdAt', String(createdAt)],
      ['expiresAt', String(expiresAt)],
      ['meta', JSON.stringify(meta)],
    ].flat();
    const keys = this.keys(approval.id);
    const created = await this.run(
      APPROVAL_SCRIPTS.create,
      [keys.record, keys.approvers, keys.pending],
      [approval.id, ttlMs, expiresAt, fields.length, ...fields, ...approvers.map(userKey)],
    );
    if (created === 1) return { created: true };
    const existing = await this.get(approval.id);
    return existing ? { created: false, existing } : { created: false };
  }

  async get(approvalId: string): Promise<Approval | undefined> {
    if (!isApprovalId(approvalId)) return undefined;
    const keys = this.keys(approvalId);
    const replies = await this.bounded(() =>
      this.options.connection
        .multi()
        .hgetall(keys.record)
        .zrange(keys.approvals, '0', '-1', 'WITHSCORES')
        .exec(),
    );
    const [hash, approvals] = (replies ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    return toApproval(approvalId, hash as Record<string, string>, approvals as string[]);
  }

  async transition(command: TransitionCommand): Promise<TransitionResult> {
    if (!isApprovalId(command.approvalId)) return { outcome: 'not_found' };
    const keys = this.keys(command.approvalId);
    const actor = 'actor' in command ? command.actor : { userId: '', teamId: '' };
    const expected = 'expected' in command ? command.expected : undefined;
    const reply = (await this.run(
      APPROVAL_SCRIPTS.transition,
      [keys.record, keys.approvers, keys.approvals, keys.pending, keys.unqueued],
      [
        command.kind,
        command.approvalId,
        command.now.getTime(),
        actor.userId,
        actor.teamId,
        expected?.digest ?? '',
        expected ? fingerprint(expected.request) : '',
      ],
    )) as [string, number?, string[]?, string[]?];
    const [outcome, changed, hash, approvals] = reply;
    if (outcome === 'not_found' || !hash || !approvals) return { outcome: 'not_found' };
    const approval = toApproval(command.approvalId, pairsToRecord(hash), approvals);
    if (!approval) return { outcome: 'not_found' };
    return { outcome: outcome as TransitionOutcome, changed: changed === 1, approval };
  }

  async attachCard(approvalId: string, card: ApprovalCardRef): Promise<void> {
    assertId(approvalId);
    await this.run(
      APPROVAL_SCRIPTS.setIfExists,
      [this.keys(approvalId).record],
      ['card', JSON.stringify(card)],
    );
  }

  async markEnqueued(approvalId: string, at: Date): Promise<void> {
    assertId(approvalId);
    const keys = this.keys(approvalId);
    await this.run(
      APPROVAL_SCRIPTS.setIfExists,
      [keys.record, keys.unqueued],
      ['enqueuedAt', at.getTime(), approvalId],
    );
  }

  findExpired(now: Date, limit: number): Promise<string[]> {
    const pending = this.keys('').pending;
    return this.bounded(() =>
      this.options.connection.zrangebyscore(pending, '-inf', now.getTime(), 'LIMIT', 0, limit),
    );
  }

  findUnqueued(approvedBefore: Date, limit: number): Promise<string[]> {
    const unqueued = this.keys('').unqueued;
    return this.bounded(() =>
      this.options.connection.zrangebyscore(unqueued, '-inf', approvedBefore.getTime(), 'LIMIT', 0, limit),
    );
  }

  async claim(key: string, requestId: string, ttlMs: number): Promise<string> {
    const holder = await this.run(
      APPROVAL_SCRIPTS.claim,
      [`${this.options.prefix}:approvals:dedupe:${key}`],
      [requestId, ttlMs],
    );
    return typeof holder === 'string' ? holder : requestId;
  }

  private keys(approvalId: string) {
    const record = `${this.options.prefix}:approval:${approvalId}`;
    return {
      record,
      approvers: `${record}:approvers`,
      approvals: `${record}:approvals`,
      pending: `${this.options.prefix}:approvals:pending`,
      unqueued: `${this.options.prefix}:approvals:unqueued`,
    };
  }

  private run(script: LuaScript, keys: string[], args: Array<string | number>): Promise<unknown> {
    const redis = this.options.connection;
    return this.bounded(async () => {
      try {
        return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return redis.eval(script.source, keys.length, ...keys, ...args);
      }
    });
  }

  private async bounded<T>(work: () => Promise<T>): Promise<T> {
    const ms = this.options.timeoutMs ?? 2000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`approval store timed out after ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      throw new DebugError('queue_unavailable', 'The approval store (Redis) is unavailable right now.', {
        retryable: true,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** sha1 of the request as stored; the transition script compares it with `redis.sha1hex` of the stored JSON. */
function fingerprint(request: DebugRequest): string {
  return createHash('sha1').update(JSON.stringify(request), 'utf8').digest('hex');
}

function assertId(approvalId: string): void {
  if (!isApprovalId(approvalId)) throw new DebugError('invalid_input', 'That is not a valid approval id.');
}

function pairsToRecord(flat: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) record[flat[i]!] = flat[i + 1]!;
  return record;
}

/** Undefined for a missing or malformed record: it is treated as not found (fail closed). */
function toApproval(id: string, hash: Record<string, string>, approvals: string[]): Approval | undefined {
  if (hash.v !== SCHEMA_VERSION) return undefined;
  const state = APPROVAL_STATES.find((s) => s === hash.state);
  const request = parseJson(hash.request);
  const meta = metaSchema.safeParse(parseJson(hash.meta));
  if (!state || !requestSchema.safeParse(request).success || !meta.success || !hash.digest) return undefined;
  const card = hash.card ? cardSchema.safeParse(parseJson(hash.card)) : undefined;
  const decidedBy = hash.decidedByUser
    ? { userId: hash.decidedByUser, teamId: hash.decidedByTeam ?? '' }
    : undefined;
  const entries: Approval['approvals'] = [];
  for (let i = 0; i + 1 < approvals.length; i += 2) {
    const by = parseUserKey(approvals[i]!);
    if (by) entries.push({ by, at: isoFromMs(approvals[i + 1]!) });
  }
  return {
    id,
    // The JSON as stored (not zod's re-ordered copy), so it re-serialises to the same fingerprint.
    request: request as DebugRequest,
    digest: hash.digest,
    ...(meta.data.cluster ? { cluster: meta.data.cluster } : {}),
    ...(meta.data.reason ? { reason: meta.data.reason } : {}),
    productionReasons: meta.data.productionReasons,
    approvers: meta.data.approvers,
    approvalsRequired: Number(hash.required),
    createdAt: isoFromMs(hash.createdAt),
    expiresAt: isoFromMs(hash.expiresAt),
    state,
    approvals: entries,
    ...(decidedBy ? { decidedBy } : {}),
    ...(hash.decidedAt ? { decidedAt: isoFromMs(hash.decidedAt) } : {}),
    ...(hash.enqueuedAt ? { enqueuedAt: isoFromMs(hash.enqueuedAt) } : {}),
    ...(card?.success ? { card: card.data } : {}),
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isoFromMs(ms: string | undefined): string {
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? new Date(0).toISOString() : date.toISOString();
}
