import { describe, expect, it } from 'vitest';
import { createOutputGate } from '../../../src/core/create-output-gate.js';

describe('createOutputGate', () => {
  it('runs at most `limit` tasks at once and lets waiting publishers in before waiting readers', async () => {
    const gate = createOutputGate(1);
    const order: string[] = [];
    let release!: () => void;
    const first = gate.read(() =>
      new Promise<void>((resolve) => (release = resolve)).then(() => void order.push('read-1')),
    );
    const reader = gate.read(async () => void order.push('read-2'));
    const publisher = gate.publish(async () => void order.push('publish'));
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    await Promise.all([first, reader, publisher]);
    expect(order).toEqual(['read-1', 'publish', 'read-2']);
  });

  it('frees the slot when a task fails', async () => {
    const gate = createOutputGate(1);
    await expect(gate.read(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.publish(async () => 'ok')).resolves.toBe('ok');
  });
});
