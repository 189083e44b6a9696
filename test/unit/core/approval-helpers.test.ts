import { describe, expect, it, vi } from 'vitest';
import { isApprovalId, parseUserKey, userKey } from '../../../src/core/approval-model.js';
import { cacheApproverDirectory } from '../../../src/core/cache-approver-directory.js';
import { deriveDedupeKey } from '../../../src/core/derive-dedupe-key.js';
import { describeApprovalCard } from '../../../src/core/describe-approval-card.js';
import { startApprovalSweeper } from '../../../src/core/expire-approvals.js';
import { resolveApprovers } from '../../../src/core/resolve-approvers.js';
import { aSilentLogger } from '../../helpers/builders.js';
import {
  FakeClock,
  FakeDirectory,
  MemoryApprovalAudit,
  MemoryApprovalStore,
  recordingEnqueue,
} from './approval-fakes.js';
import { ALICE, aNewApproval, at } from './approval-store-contract.js';

describe('describeApprovalCard', () => {
  it('shows requester, target, image, profile, exact argv, reason, approvers and expiry, with buttons while open', async () => {
    const a = aNewApproval(
      { approvalsRequired: 2 },
      { profile: 'restricted', commands: [['sh', '-c', 'ls; id']] },
    );
    const card = describeApprovalCard(
      { ...a, state: 'pending', approvals: [{ by: ALICE, at: at(1).toISOString() }] },
      at(5.5),
    );
    expect(card).toEqual({
      approvalId: a.id,
      state: 'pending',
      requester: a.request.requester,
      cluster: 'prod-eu',
      target: a.request.target,
      image: 'busybox:1.36',
      profile: 'restricted',
      commands: [['sh', '-c', 'ls; id']],
      reason: 'checkout 500s',
      productionReasons: ['namespace shop matches "shop"'],
      approvers: { users: ['U0ALICE'], groups: ['S0SRE'] },
      approvalsRequired: 2,
      approvedBy: [ALICE],
      digest: a.digest,
      shortDigest: a.digest.slice(0, 12),
      createdAt: a.createdAt,
      expiresAt: a.expiresAt,
      minutesLeft: 10,
      buttons: true,
    });
  });

  it('shows a due pending approval as expired, without buttons', () => {
    const a = aNewApproval();
    expect(describeApprovalCard({ ...a, state: 'pending', approvals: [] }, at(15))).toMatchObject({
      state: 'expired',
      buttons: false,
      minutesLeft: 0,
    });
    expect(
      describeApprovalCard({ ...a, state: 'approved', approvals: [], decidedBy: ALICE }, at(1)),
    ).toMatchObject({ state: 'approved', buttons: false, decidedBy: ALICE });
  });
});

describe('approval helpers', () => {
  it('derives one dedupe key per user, channel and digest', () => {
    const base = { teamId: 'T1', userId: 'U1', channelId: 'C1', digest: 'd'.repeat(64) };
    expect(deriveDedupeKey(base)).toBe(deriveDedupeKey({ ...base }));
    expect(deriveDedupeKey(base)).toMatch(/^[0-9a-f]{40}$/);
    for (const change of [
      { userId: 'U2' },
      { channelId: 'C2' },
      { digest: 'e'.repeat(64) },
      { teamId: 'T2' },
    ]) {
      expect(deriveDedupeKey({ ...base, ...change })).not.toBe(deriveDedupeKey(base));
    }
  });

  it('resolves approvers to distinct users of the home team, team-qualified entries kept', async () => {
    const users = await resolveApprovers(
      { users: ['U0ALICE', 'T0OTHER:U0BOB'], groups: ['@sre', 'S0LEADS'] },
      'T0TEAM',
      new FakeDirectory({ '@sre': ['U0ALICE', 'U0CAROL'], S0LEADS: ['U0CAROL'] }),
    );
    expect(users.map(userKey)).toEqual(['T0TEAM:U0ALICE', 'T0OTHER:U0BOB', 'T0TEAM:U0CAROL']);
  });

  it('caches group members for the TTL, shares concurrent lookups, and never caches failures', async () => {
    const clock = new FakeClock();
    const directory = new FakeDirectory({ '@sre': ['U1'] });
    const cached = cacheApproverDirectory(directory, { ttlMs: 60_000, clock });
    await Promise.all([cached.membersOf('@sre'), cached.membersOf('@sre')]);
    clock.advance(59_000);
    await cached.membersOf('@sre');
    expect(directory.lookups).toEqual(['@sre']);
    clock.advance(2_000);
    directory.failWith = new Error('down');
    await expect(cached.membersOf('@sre')).rejects.toThrow('down');
    directory.failWith = undefined;
    expect(await cached.membersOf('@sre')).toEqual(['U1']);
    expect(directory.lookups).toHaveLength(3);
  });

  it('accepts only safe approval ids and parses user keys', () => {
    expect(isApprovalId('rabc_D-9')).toBe(true);
    for (const bad of ['', 'a:b', '*', 'a b', 'x'.repeat(65)]) expect(isApprovalId(bad)).toBe(false);
    expect(parseUserKey('T1:U1')).toEqual({ teamId: 'T1', userId: 'U1' });
    expect(parseUserKey('U1')).toBeUndefined();
  });
});

describe('startApprovalSweeper', () => {
  it('sweeps on its interval and stops cleanly', async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryApprovalStore();
      const a = aNewApproval();
      await store.create(a, [ALICE]);
      const clock = new FakeClock(at(20));
      const expired: string[] = [];
      const sweeper = startApprovalSweeper({
        store,
        audit: new MemoryApprovalAudit(),
        logger: aSilentLogger(),
        enqueue: recordingEnqueue(),
        onExpired: async (approval) => void expired.push(approval.id),
        clock,
        intervalMs: 1000,
      });
      await vi.advanceTimersByTimeAsync(1000);
      await sweeper.stop();
      expect(expired).toEqual([a.id]);
      expect((await store.get(a.id))?.state).toBe('expired');
    } finally {
      vi.useRealTimers();
    }
  });
});
