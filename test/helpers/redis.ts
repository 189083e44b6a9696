import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh BullMQ prefix per test, so tests never see each other's jobs. */
export function uniquePrefix(): string {
  return `test-${randomUUID()}`;
}

/** Deletes every key under a prefix (tests clean up after themselves). */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The job payloads waiting in a queue's inbox stream (accepted, not yet moved into BullMQ). */
export async function inboxPayloads(prefix: string, queueName: string): Promise<unknown[]> {
  const redis = new Redis(REDIS_URL);
  try {
    const entries = await redis.xrange(`${prefix}:${queueName}:inbox`, '-', '+');
    return entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('data') + 1]!));
  } finally {
    redis.disconnect();
  }
}
