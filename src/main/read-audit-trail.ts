import { loadConfig } from '../config/load-config.js';
import type { AuditRecord } from '../core/ports.js';
import { createProducerConnection, waitForRedis } from '../queue/create-redis-connection.js';
import { RedisAuditLog } from '../queue/redis-audit-log.js';
import { createLogger } from './create-logger.js';

/**
 * `k8s-debug-bot audit [REQUEST-ID] [--limit N]`: prints the audit trail from the Redis stream,
 * newest first, one JSON object per line (for `jq`); with a request id, only that request's records.
 */
export async function readAuditTrail(
  words: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const config = loadConfig({ env: { SLACK_BOT_TOKEN: 'xoxb-unused', ...env }, role: 'worker' });
  let limit = 50;
  let requestId: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--limit') limit = Number(words[++i]);
    else if (/^[A-Za-z0-9_-]{1,64}$/.test(word)) requestId = word;
    else {
      out.write(
        `audit: unexpected argument "${word}"; usage: k8s-debug-bot audit [REQUEST-ID] [--limit N]\n`,
      );
      return 2;
    }
  }
  if (!Number.isInteger(limit) || limit < 1) {
    out.write('audit: --limit takes a positive whole number\n');
    return 2;
  }
  const connection = createProducerConnection(config.redisUrl);
  connection.on('error', () => undefined);
  try {
    if (!(await waitForRedis(connection, 5000))) {
      out.write(`audit: Redis at ${config.redisUrl} is not reachable\n`);
      return 1;
    }
    const audit = new RedisAuditLog({
      connection,
      key: `${config.queue.prefix}:audit`,
      maxLength: config.audit.streamMaxLength,
      logger: createLogger('silent'),
      clock: { now: () => new Date() },
    });
    const records: AuditRecord[] = await audit.read({ limit, ...(requestId ? { requestId } : {}) });
    for (const record of records) out.write(`${JSON.stringify(record)}\n`);
    return 0;
  } finally {
    connection.disconnect();
  }
}
