import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChannelPacer } from '../../../src/slack/create-channel-pacer.js';

describe('createChannelPacer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets a burst through, then one per interval, in order', async () => {
    const pacer = createChannelPacer({ perSecond: 1, burst: 3 });
    const granted: Array<[number, number]> = [];
    const start = Date.now();
    const all = Array.from({ length: 6 }, (_, i) =>
      pacer.acquire('C1').then(() => granted.push([i, Date.now() - start])),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(granted.map(([i]) => i)).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(3000);
    await Promise.all(all);
    expect(granted).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 1000],
      [4, 2000],
      [5, 3000],
    ]);
  });

  it('keeps channels apart and refills after a quiet spell', async () => {
    const pacer = createChannelPacer({ perSecond: 1, burst: 1 });
    await pacer.acquire('C1');
    let second = false;
    void pacer.acquire('C1').then(() => (second = true));
    await pacer.acquire('C2');
    await vi.advanceTimersByTimeAsync(999);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    const before = Date.now();
    await pacer.acquire('C1');
    expect(Date.now() - before).toBe(0);
  });
});
