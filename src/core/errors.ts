/**
 * Coded errors. `userMessage` is the only text a chat user ever sees; raw API bodies never reach chat.
 * `retryable: false` makes the worker fail the job without further attempts.
 */
export type DebugErrorCode =
  | 'invalid_input'
  | 'policy_denied'
  | 'pod_not_found'
  | 'pod_not_running'
  | 'target_container_not_found'
  | 'ephemeral_containers_disabled'
  | 'forbidden_rbac'
  | 'forbidden_pod_security'
  | 'invalid_container_spec'
  | 'container_conflict'
  | 'container_cap_reached'
  | 'api_unavailable'
  | 'api_timeout'
  | 'queue_unavailable'
  | 'chat_unavailable'
  | 'cancelled'
  | 'internal';

export class DebugError extends Error {
  override readonly name = 'DebugError';
  readonly code: DebugErrorCode;
  readonly userMessage: string;
  readonly retryable: boolean;
  /** Seconds the remote side asked us to wait, when it said so (Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: DebugErrorCode,
    userMessage: string,
    options: { retryable?: boolean; cause?: unknown; retryAfterSeconds?: number; detail?: string } = {},
  ) {
    super(options.detail ? `${code}: ${options.detail}` : `${code}: ${userMessage}`, {
      cause: options.cause,
    });
    this.code = code;
    this.userMessage = userMessage;
    this.retryable = options.retryable ?? false;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isDebugError(error: unknown): error is DebugError {
  return error instanceof DebugError;
}

/** Turns anything thrown into a DebugError without leaking its text to users. */
export function toDebugError(error: unknown): DebugError {
  if (isDebugError(error)) return error;
  return new DebugError('internal', 'Something went wrong inside the bot; the details are in its log.', {
    cause: error,
    detail: error instanceof Error ? error.message : String(error),
  });
}
