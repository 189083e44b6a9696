import type { Logger } from '../core/ports.js';

/** One refused HTTP request: the status sent and, for a 401, what was wrong with the signature. */
export type RefusalReport = (status: number, problem?: string) => void;

/**
 * Logs refused (unsigned, forged, stale, oversized) HTTP requests at most once per `windowMs`: the
 * first at once, the rest of a burst counted into the next line (`alsoRefused`). The endpoint is
 * public, so a scanner or a flood of forged requests must not flood the log (and its bill) in turn.
 */
export function sampleRefusals(
  logger: Logger | undefined,
  options: { windowMs?: number; now?: () => number } = {},
): RefusalReport {
  const windowMs = options.windowMs ?? 10_000;
  const now = options.now ?? Date.now;
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let unlogged = 0;
  return (status, problem) => {
    const at = now();
    if (at - lastLoggedAt < windowMs) {
      unlogged++;
      return;
    }
    logger?.warn(
      { status, problem, ...(unlogged > 0 ? { alsoRefused: unlogged } : {}) },
      'refused an HTTP request that is not a signed Slack request',
    );
    lastLoggedAt = at;
    unlogged = 0;
  };
}
