import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProducerConnection, waitForRedis } from '../../../src/queue/create-redis-connection.js';
import { RedisApprovalStore } from '../../../src/queue/redis-approval-store.js';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../helpers/redis.js';
import {
  ALICE,
  aNewApproval,
  at,
  BOB,
  describeApprovalStoreContract,
} from '../../unit/core/approval-store-contract.js';

describeApprovalStoreContract('RedisApprovalStore on the real Redis', async () => {
  const prefix = uniquePrefix();
  const connection = createProducerConnection(REDIS_URL);
  await waitForRedis(connection);
  const store = new RedisApprovalStore({ connection, prefix });
  return {
    store,
    deleteRecord: async (id) => {
      await connection.del(
        `${prefix}:approval:${id}`,
        `${prefix}:approval:${id}:approvers`,
        `${prefix}:approval:${id}:approvals`,
      );
    },
    setStoredRequest: async (id, request) => {
      await connection.hset(`${prefix}:approval:${id}`, 'request', JSON.stringify(request));
    },
    close: async () => {
      await deletePrefix(prefix);
      connection.disconnect();
    },
  };
});

describe('RedisApprovalStore specifics', () => {
  let prefix: string;
  let connection: Redis;
  beforeEach(async () => {
    prefix = uniquePrefix();
    connection = createProducerConnection(REDIS_URL);
    expect(await waitForRedis(connection)).toBe(true);
  });
  afterEach(async () => {
    await deletePrefix(prefix);
    connection.disconnect();
  });

  it('puts a TTL of expiry + grace on every per-approval key, approvals set included', async () => {
    const store = new RedisApprovalStore({ connection, prefix, graceMs: 60_000 });
    const a = aNewApproval({ approvalsRequired: 2 });
    await store.create(a, [ALICE, BOB]);
    await store.transition({
      kind: 'approve',
      approvalId: a.id,
      actor: ALICE,
      now: at(1),
      expected: { digest: a.digest, request: a.request },
    });
    const base = `${prefix}:approval:${a.id}`;
    for (const key of [base, `${base}:approvers`, `${base}:approvals`]) {
      const ttl = await connection.pttl(key);
      expect(ttl, key).toBeGreaterThan(15 * 60_000);
      expect(ttl, key).toBeLessThanOrEqual(16 * 60_000);
    }
  });

  it('stores ids, target and argv only: no tokens, and the request JSON exactly as given', async () => {
    const store = new RedisApprovalStore({ connection, prefix });
    const a = aNewApproval();
    await store.create(a, [ALICE]);
    const hash = await connection.hgetall(`${prefix}:approval:${a.id}`);
    expect(hash.request).toBe(JSON.stringify(a.request));
    expect(JSON.stringify(hash)).not.toMatch(/xox[abpr]-/);
  });

  it('reads a malformed record as not found (fail closed)', async () => {
    const store = new RedisApprovalStore({ connection, prefix });
    const a = aNewApproval();
    await store.create(a, [ALICE]);
    await connection.hset(`${prefix}:approval:${a.id}`, 'request', '{not json');
    expect(await store.get(a.id)).toBeUndefined();
    await connection.hset(
      `${prefix}:approval:${a.id}`,
      'request',
      JSON.stringify(a.request),
      'state',
      'approvedish',
    );
    expect(await store.get(a.id)).toBeUndefined();
  });

  it('never addresses keys with an id that is not an approval id', async () => {
    const store = new RedisApprovalStore({ connection, prefix });
    expect(await store.get('*')).toBeUndefined();
    expect(await store.transition({ kind: 'expire', approvalId: 'x:y', now: at(1) })).toEqual({
      outcome: 'not_found',
    });
  });

  it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT → EVAL)', async () => {
    const store = new RedisApprovalStore({ connection, prefix });
    const a = aNewApproval();
    await store.create(a, [ALICE]);
    await connection.script('FLUSH');
    expect(
      await store.transition({
        kind: 'approve',
        approvalId: a.id,
        actor: ALICE,
        now: at(1),
        expected: { digest: a.digest, request: a.request },
      }),
    ).toMatchObject({ outcome: 'approved' });
  });

  it('fails fast with a coded error when Redis is unreachable', async () => {
    const dead = createProducerConnection('redis://127.0.0.1:1', { retryStrategy: () => null });
    dead.on('error', () => undefined);
    const store = new RedisApprovalStore({ connection: dead, prefix, timeoutMs: 1000 });
    const started = Date.now();
    await expect(store.get('rabc')).rejects.toMatchObject({ code: 'queue_unavailable' });
    expect(Date.now() - started).toBeLessThan(2000);
    dead.disconnect();
  });
});
