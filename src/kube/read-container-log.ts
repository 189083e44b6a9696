/**
 * Reads a container log into memory, never more than `limitBytes`, and says how the read ended.
 */
import { isDebugError } from '../core/errors.js';
import type { KubeApi } from './create-kube-api.js';

export interface LogRead {
  text: string;
  bytes: number;
  /** The log goes on beyond `limitBytes`; what we kept is cut. */
  capped: boolean;
  /** The server ended the response normally (not reset, not aborted by us). */
  endedCleanly: boolean;
  /** Set when the request itself failed or the stream broke. */
  error?: unknown;
}

export interface LogTarget {
  namespace: string;
  pod: string;
  container: string;
}

/**
 * The server is asked for one byte more than the cap: getting it proves the log goes on (truncated),
 * while a log of exactly `limitBytes` is not mistaken for a cut one.
 */
export async function readContainerLog(
  api: KubeApi,
  target: LogTarget,
  options: { limitBytes: number; signal: AbortSignal },
): Promise<LogRead> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let capped = false;
  const result = (endedCleanly: boolean, error?: unknown): LogRead => ({
    text: Buffer.concat(chunks).toString('utf8'),
    bytes,
    capped,
    endedCleanly,
    ...(error !== undefined ? { error } : {}),
  });
  let stream: Awaited<ReturnType<KubeApi['streamLog']>>;
  try {
    stream = await api.streamLog(
      target.namespace,
      target.pod,
      target.container,
      { limitBytes: options.limitBytes + 1 },
      options.signal,
    );
  } catch (error) {
    return result(false, error);
  }
  try {
    for await (const chunk of stream) {
      const data = chunk as Buffer;
      const room = options.limitBytes - bytes;
      if (data.length > room) {
        chunks.push(data.subarray(0, room));
        bytes += room;
        capped = true;
        // Destroying the response (not aborting the request) is safe even if it already ended.
        stream.destroy();
        return result(true);
      }
      chunks.push(data);
      bytes += data.length;
    }
    return result(true);
  } catch (error) {
    return result(false, options.signal.aborted || isDebugError(error) ? undefined : error);
  }
}
