import { pino } from 'pino';
import type { Logger } from '../core/ports.js';

/**
 * JSON logs (pino): one line per event, child loggers bound to requestId/jobId. Token-bearing paths are
 * redacted as a last line of defence; job payloads never carry tokens in the first place.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'k8s-debug-bot' },
      redact: {
        paths: [
          'token',
          '*.token',
          'headers.authorization',
          '*.headers.authorization',
          'err.headers',
          'err.body',
          'slack.botToken',
          'slack.signingSecret',
          'slack.appToken',
        ],
        censor: '[REDACTED]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    destination ?? process.stdout,
  );
}
