import { describe, expect, it } from 'vitest';
import { type AcceptDeps, acceptDebugRequest } from '../../../src/core/accept-debug-request.js';
import { MemoryAuditLog, MemoryJobQueue } from '../../fakes/port-fakes.js';
import { aSilentLogger, systemClock } from '../../helpers/builders.js';

const origin = { requester: { userId: 'U1', teamId: 'T1' }, channelId: 'C1', deliveryId: 'trigger-1' };

function deps(
  overrides: Partial<AcceptDeps> = {},
): AcceptDeps & { queue: MemoryJobQueue; audit: MemoryAuditLog } {
  const audit = new MemoryAuditLog();
  return {
    queue: new MemoryJobQueue(audit),
    audit,
    clock: systemClock,
    logger: aSilentLogger(),
    defaults: { namespace: 'default', image: 'busybox:1.36' },
    evaluatePolicy: () => ({ allowed: true }),
    ...overrides,
  } as AcceptDeps & { queue: MemoryJobQueue; audit: MemoryAuditLog };
}

describe('acceptDebugRequest', () => {
  it('applies defaults and enqueues exactly once per delivery', async () => {
    const d = deps();
    const input = { target: { kind: 'pod' as const, name: 'web-1' }, commands: [['ps', 'aux']] };
    const first = await acceptDebugRequest(input, origin, d);
    const second = await acceptDebugRequest(input, origin, d);
    expect(first.status).toBe('queued');
    expect(second.status).toBe('duplicate');
    expect(d.queue.jobs).toHaveLength(1);
    expect(d.queue.jobs[0]).toMatchObject({
      image: 'busybox:1.36',
      target: { namespace: 'default', name: 'web-1' },
    });
    expect(d.audit.events()).toEqual(['requested', 'duplicate']);
    expect(d.audit.records[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes the requested record itself when the queue could not write it with the job', async () => {
    const audit = new MemoryAuditLog();
    const d = deps({ audit, queue: new MemoryJobQueue() });
    const input = { target: { kind: 'pod' as const, name: 'web-1' }, commands: [['ps', 'aux']] };
    expect((await acceptDebugRequest(input, origin, d)).status).toBe('queued');
    expect(audit.events()).toEqual(['requested']);
  });

  it('refuses what policy forbids, with the reason, and enqueues nothing', async () => {
    const d = deps({
      evaluatePolicy: () => ({ allowed: false, reason: 'namespace kube-system is not open to debugging' }),
    });
    const result = await acceptDebugRequest(
      { target: { kind: 'pod', name: 'etcd', namespace: 'kube-system' }, commands: [['ls']] },
      origin,
      d,
    );
    expect(result).toEqual({ status: 'rejected', message: 'namespace kube-system is not open to debugging' });
    expect(d.queue.jobs).toHaveLength(0);
    expect(d.audit.events()).toEqual(['denied_policy']);
  });

  it('answers "unavailable" when the queue is down, and says nothing ran', async () => {
    const d = deps();
    d.queue.failWith = new Error('ECONNREFUSED');
    const result = await acceptDebugRequest(
      { target: { kind: 'pod', name: 'web-1' }, commands: [['ls']] },
      origin,
      d,
    );
    expect(result.status).toBe('unavailable');
    expect(result.status === 'unavailable' && result.message).toMatch(/nothing was run/);
    expect(d.audit.events()).toEqual(['queue_unavailable']);
  });

  it('expands a preset and refuses an unknown one', async () => {
    const d = deps({
      expandPreset: (name) =>
        name === 'disk' ? { commands: [['df', '-h']], image: 'busybox:1.36' } : undefined,
    });
    const ok = await acceptDebugRequest(
      { target: { kind: 'pod', name: 'web-1' }, preset: 'disk', commands: [] },
      origin,
      d,
    );
    expect(ok.status === 'queued' && ok.request.commands).toEqual([['df', '-h']]);
    const bad = await acceptDebugRequest(
      { target: { kind: 'pod', name: 'web-1' }, preset: 'nope', commands: [] },
      { ...origin, deliveryId: 'x' },
      d,
    );
    expect(bad.status).toBe('rejected');
  });
});
