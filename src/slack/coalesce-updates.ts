/** Sends the latest value for a key; at most one send per key per interval. */
export interface UpdateCoalescer<T> {
  /**
   * Queues `value` for `key`. Resolves when this value, or a later one that replaced it, has been sent;
   * rejects if that send failed. After a `final` value, later non-final values are ignored.
   */
  submit(key: string, value: T, final?: boolean): Promise<void>;
  /** Sends everything pending now, ignoring the interval, and waits for all sends in flight. */
  flush(): Promise<void>;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface KeyState<T> {
  lastSentAt: number;
  pending?: { value: T; waiters: Waiter[] };
  inflight?: Promise<void>;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  closed: boolean;
}

/**
 * Latest-state-wins coalescing for message updates (Slack's `chat.update` is rate-limited per message):
 * the first update goes out at once, later ones wait for the interval and only the newest is sent.
 */
export function createUpdateCoalescer<T>(
  send: (key: string, value: T) => Promise<void>,
  options: { intervalMs: number; now?: () => number; delayFirst?: boolean },
): UpdateCoalescer<T> {
  const now = options.now ?? Date.now;
  const states = new Map<string, KeyState<T>>();

  function run(key: string, state: KeyState<T>): void {
    state.timer = undefined;
    const pending = state.pending;
    if (!pending) return;
    state.pending = undefined;
    state.lastSentAt = now();
    state.inflight = send(key, pending.value).then(
      () => {
        for (const w of pending.waiters) w.resolve();
      },
      (error: unknown) => {
        for (const w of pending.waiters) w.reject(error);
      },
    );
    void state.inflight.finally(() => {
      state.inflight = undefined;
      if (state.pending) schedule(key, state);
      else forgetWhenIdle(key, state);
    });
  }

  // A finished key is remembered a while so late progress cannot overwrite its final state.
  function forgetWhenIdle(key: string, state: KeyState<T>): void {
    const keepMs = state.closed ? Math.max(options.intervalMs, 60_000) : options.intervalMs;
    state.idleTimer = setTimeout(() => {
      if (!state.pending && !state.inflight && states.get(key) === state) states.delete(key);
    }, keepMs);
    state.idleTimer.unref();
  }

  function schedule(key: string, state: KeyState<T>, immediately = false): void {
    if (state.inflight) {
      if (immediately) state.lastSentAt = Number.NEGATIVE_INFINITY;
      return;
    }
    if (state.timer && !immediately) return;
    if (state.timer) clearTimeout(state.timer);
    const wait = immediately ? 0 : Math.max(0, state.lastSentAt + options.intervalMs - now());
    if (wait === 0) run(key, state);
    else state.timer = setTimeout(() => run(key, state), wait);
  }

  function submit(key: string, value: T, final = false): Promise<void> {
    let state = states.get(key);
    if (!state) {
      // With `delayFirst` the message counts as just sent (it was just posted with its first state), so
      // a job that finishes within the interval costs one update (its final state), not one per step.
      state = { lastSentAt: options.delayFirst ? now() : Number.NEGATIVE_INFINITY, closed: false };
      states.set(key, state);
    }
    if (state.closed && !final) return Promise.resolve();
    if (state.idleTimer) clearTimeout(state.idleTimer);
    if (final) state.closed = true;
    const waiters = state.pending?.waiters ?? [];
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    state.pending = { value, waiters };
    // The final state does not wait out the interval: it is one update, and the job waits for it.
    schedule(key, state, final);
    return done;
  }

  async function flush(): Promise<void> {
    for (const [key, state] of states) schedule(key, state, true);
    await Promise.allSettled([...states.values()].map((s) => s.inflight));
    if ([...states.values()].some((s) => s.pending)) await flush();
  }

  return { submit, flush };
}
