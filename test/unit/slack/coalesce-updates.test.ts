import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUpdateCoalescer } from '../../../src/slack/coalesce-updates.js';

describe('createUpdateCoalescer', () => {
  let sent: Array<{ key: string; value: string; at: number }>;

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
  });
  afterEach(() => vi.useRealTimers());

  function make(fail?: (value: string) => boolean) {
    return createUpdateCoalescer<string>(
      async (key, value) => {
        sent.push({ key, value, at: Date.now() });
        if (fail?.(value)) throw new Error(`failed ${value}`);
      },
      { intervalMs: 1000 },
    );
  }

  it('sends the first value at once, then only the newest per interval', async () => {
    const c = make();
    const done = ['a', 'b', 'c', 'd'].map((v) => c.submit('m1', v));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.value)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(done);
    expect(sent.map((s) => s.value)).toEqual(['a', 'd']);
    expect(sent[1]!.at - sent[0]!.at).toBe(1000);
  });

  it('keeps keys independent', async () => {
    const c = make();
    await Promise.all([c.submit('m1', 'a'), c.submit('m2', 'b')]);
    expect(sent.map((s) => s.key)).toEqual(['m1', 'm2']);
  });

  it('ignores non-final values after a final one', async () => {
    const c = make();
    await c.submit('m1', 'running');
    const final = c.submit('m1', 'done', true);
    await c.submit('m1', 'late-progress');
    await vi.advanceTimersByTimeAsync(1000);
    await final;
    expect(sent.map((s) => s.value)).toEqual(['running', 'done']);
  });

  it('rejects the waiters of a failed send, superseded ones included', async () => {
    const c = make((v) => v === 'c');
    await c.submit('m1', 'a');
    const b = c.submit('m1', 'b');
    const cc = c.submit('m1', 'c');
    const results = Promise.allSettled([b, cc]);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('flush sends pending values without waiting for the interval', async () => {
    const c = make();
    await c.submit('m1', 'a');
    void c.submit('m1', 'b');
    await c.flush();
    expect(sent.map((s) => s.value)).toEqual(['a', 'b']);
  });
});
