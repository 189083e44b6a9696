import type { AuditLog } from './ports.js';

/**
 * Runs `work` with an audit log whose writes leave the critical path: each is issued at once and in
 * order (one connection keeps that order), and this resolves only when all of them are done, so a
 * finished job still means a written audit trail. Audit writes never throw (AuditLog's contract).
 */
export async function deferAuditWrites<T>(
  audit: AuditLog,
  work: (audit: AuditLog) => Promise<T>,
): Promise<T> {
  const writes: Array<Promise<void>> = [];
  const deferred: AuditLog = {
    record(record) {
      writes.push(audit.record(record));
      return Promise.resolve();
    },
  };
  try {
    return await work(deferred);
  } finally {
    await Promise.allSettled(writes);
  }
}
