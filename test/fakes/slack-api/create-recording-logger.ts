import type { Logger } from '../../../src/core/ports.js';

/** One log call. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  meta: object;
  msg: string;
}

/** A {@link Logger} that keeps every entry, for assertions (and silence) in tests. */
export function createRecordingLogger(entries: LogEntry[] = []): Logger & { entries: LogEntry[] } {
  const make = (bindings: object): Logger & { entries: LogEntry[] } => ({
    entries,
    debug: (meta, msg) => entries.push({ level: 'debug', meta: { ...bindings, ...meta }, msg }),
    info: (meta, msg) => entries.push({ level: 'info', meta: { ...bindings, ...meta }, msg }),
    warn: (meta, msg) => entries.push({ level: 'warn', meta: { ...bindings, ...meta }, msg }),
    error: (meta, msg) => entries.push({ level: 'error', meta: { ...bindings, ...meta }, msg }),
    child: (more) => make({ ...bindings, ...more }),
  });
  return make({});
}
