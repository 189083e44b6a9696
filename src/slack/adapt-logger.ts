import { format } from 'node:util';
import { LogLevel, type Logger as SlackLogger } from '@slack/web-api';
import type { Logger } from '../core/ports.js';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/**
 * Presents our structured logger to Bolt and the WebClient (which log `(...args)`): the SDK's text goes
 * into `detail` under a fixed message. The SDKs redact tokens themselves; bodies are logged at debug only.
 * Imported from @slack/web-api (which re-exports the @slack/logger Bolt uses) so a worker never loads Bolt.
 */
export function adaptLogger(logger: Logger, initialLevel: LogLevel = LogLevel.INFO): SlackLogger {
  let level = initialLevel;
  const log = (at: LogLevel, args: unknown[]) => {
    if (ORDER[at] < ORDER[level]) return;
    logger[at]({ component: 'slack-sdk', detail: format(...args) }, 'slack sdk log');
  };
  return {
    debug: (...args: unknown[]) => log(LogLevel.DEBUG, args),
    info: (...args: unknown[]) => log(LogLevel.INFO, args),
    warn: (...args: unknown[]) => log(LogLevel.WARN, args),
    error: (...args: unknown[]) => log(LogLevel.ERROR, args),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
