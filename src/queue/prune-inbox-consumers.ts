import type { Redis } from 'ioredis';

/** A consumer idle this long with nothing pending belonged to a worker that is gone. */
const DEAD_CONSUMER_IDLE_MS = 24 * 3600 * 1000;

/**
 * Every worker start adds a consumer name to the inbox's group; those idle for a day with nothing
 * pending are removed, so the group's consumer list does not grow with every restart.
 */
export async function pruneInboxConsumers(
  connection: Redis,
  keys: { inbox: string; group: string },
  self: string,
): Promise<void> {
  const consumers = (await connection.xinfo('CONSUMERS', keys.inbox, keys.group)) as unknown[][];
  for (const fields of consumers) {
    const info: Record<string, unknown> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) info[String(fields[i])] = fields[i + 1];
    if (info.name !== self && info.pending === 0 && Number(info.idle) > DEAD_CONSUMER_IDLE_MS)
      await connection.xgroup('DELCONSUMER', keys.inbox, keys.group, String(info.name));
  }
}
