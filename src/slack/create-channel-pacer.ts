/** Spaces out messages per channel (Slack allows about one message per second per channel, with bursts). */
export interface ChannelPacer {
  /** Resolves when a message may be posted to `channelId`; callers queue in arrival order. */
  acquire(channelId: string): Promise<void>;
}

export interface ChannelPacerOptions {
  /** Sustained messages per second per channel (default 1). */
  perSecond?: number;
  /** Messages allowed at once after a quiet spell (default 4). */
  burst?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per channel. A caller that finds it empty reserves the next token (the balance goes
 * negative) and sleeps until it is due, so a storm of posts drains at the sustained rate, in order.
 */
export function createChannelPacer(options: ChannelPacerOptions = {}): ChannelPacer {
  const perSecond = options.perSecond ?? 1;
  const burst = options.burst ?? 4;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  function refill(bucket: Bucket, at: number): void {
    bucket.tokens = Math.min(burst, bucket.tokens + ((at - bucket.at) / 1000) * perSecond);
    bucket.at = at;
  }

  function forgetIdle(at: number): void {
    if (buckets.size < 1000) return;
    for (const [channel, bucket] of buckets) {
      refill(bucket, at);
      if (bucket.tokens >= burst) buckets.delete(channel);
    }
  }

  async function acquire(channelId: string): Promise<void> {
    const at = now();
    forgetIdle(at);
    let bucket = buckets.get(channelId);
    if (!bucket) {
      bucket = { tokens: burst, at };
      buckets.set(channelId, bucket);
    }
    refill(bucket, at);
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return;
    const waitMs = (-bucket.tokens / perSecond) * 1000;
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  return { acquire };
}
