/**
 * Client-side timeouts and cancellation for client-node calls: an AbortSignal set on each request by a
 * middleware (send-with-node-http.ts also applies it to reading the body), and the mapping of aborts to DebugError.
 */
import {
  type ConfigurationOptions,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { DebugError } from '../core/errors.js';
import { formatDuration } from './format-duration.js';
import { HeaderTimeoutError } from './open-stream.js';
import type { ApiErrorContext } from './translate-api-error.js';

function signalMiddleware(signal: AbortSignal): ObservableMiddleware {
  return {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: (res: ResponseContext) => new Observable(Promise.resolve(res)),
  };
}

export function requestOptions(signal: AbortSignal, contentType?: string): ConfigurationOptions {
  const base: ConfigurationOptions = {
    middleware: [signalMiddleware(signal)],
    middlewareMergeStrategy: 'append',
  };
  return contentType ? setHeaderOptions('Content-Type', contentType, base) : base;
}

export function cancelledError(cause: unknown): DebugError {
  return new DebugError('cancelled', 'The request was cancelled.', { cause });
}

function timeoutError(ms: number, context: ApiErrorContext, cause: unknown): DebugError {
  const message = `The Kubernetes API did not answer within ${formatDuration(ms)}; the bot will retry.`;
  return new DebugError('api_timeout', message, {
    retryable: true,
    cause,
    detail: `${context.operation} timed out after ${ms} ms`,
  });
}

/** Aborts the call's own signal with this when its time is up. */
class CallTimeout extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * One call with its own timeout, combined with the caller's cancel signal; aborts become `api_timeout`
 * (retryable) or `cancelled`. Other errors are rethrown untouched for the caller to retry or translate.
 * One AbortController and one timer per call (AbortSignal.timeout/any cost several times as much CPU).
 */
export async function attemptWithTimeout<T>(
  context: ApiErrorContext,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  if (signal?.aborted) throw cancelledError(signal.reason);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new CallTimeout()), timeoutMs);
  const onCancel = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onCancel, { once: true });
  try {
    return await call(controller.signal);
  } catch (error) {
    if (signal?.aborted) throw cancelledError(error);
    if (controller.signal.reason instanceof CallTimeout || error instanceof HeaderTimeoutError)
      throw timeoutError(timeoutMs, context, error);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
  }
}
