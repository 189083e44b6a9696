import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producer connection (chat front end): fail fast while Redis is down so the ack can say
 * "temporarily unavailable" instead of hanging (BullMQ going-to-production advice).
 */
export function createProducerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: false,
    // Commands issued in the same tick share one write: many concurrent acks, fewer syscalls.
    enableAutoPipelining: true,
    ...options,
  });
}

/** Worker connection: waits for Redis to come back (BullMQ requires maxRetriesPerRequest: null). */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, ...options });
}

/** Resolves once the connection is ready, or false after `timeoutMs` (start-up must not hang on Redis). */
export function waitForRedis(redis: Redis, timeoutMs = 5000): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve(true);
    }
    redis.once('ready', onReady);
  });
}
