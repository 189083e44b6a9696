import { describe, expect, it } from 'vitest';
import { cancelDebugRequest } from '../../../src/core/cancel-debug-request.js';
import type { CancelResult, RequestControl } from '../../../src/core/ports.js';
import { MemoryAuditLog } from '../../fakes/port-fakes.js';
import { aDebugRequest } from '../../helpers/builders.js';

function aControl(result: CancelResult): RequestControl & { cancelled: string[] } {
  const cancelled: string[] = [];
  return {
    cancelled,
    find: async (id) => (id === 'rtestrequest1' ? aDebugRequest() : undefined),
    cancel: async (_id, by) => {
      cancelled.push(by);
      return result;
    },
    cancelledBy: async () => undefined,
  };
}

describe('cancelDebugRequest', () => {
  const input = { requestId: 'rtestrequest1', userId: 'U0REQ', teamId: 'T0TEAM' };

  it('lets the requester cancel a running request and says the process may run on', async () => {
    const control = aControl({ status: 'cancelled', wasRunning: true });
    const answer = await cancelDebugRequest(input, { control, audit: new MemoryAuditLog() });
    expect(answer.ok).toBe(true);
    expect(answer.message).toMatch(/cannot be killed through the Kubernetes API/);
    expect(control.cancelled).toEqual(['U0REQ']);
  });

  it('lets an approver of the same team cancel, but not the same user id from another team', async () => {
    const approversOf = async () => ['T0TEAM:U0APPROVER'];
    const audit = new MemoryAuditLog();
    const ok = await cancelDebugRequest(
      { ...input, userId: 'U0APPROVER' },
      { control: aControl({ status: 'cancelled', wasRunning: false }), audit, approversOf },
    );
    expect(ok).toMatchObject({ ok: true, message: expect.stringMatching(/nothing ran/) });
    const refused = await cancelDebugRequest(
      { ...input, userId: 'U0APPROVER', teamId: 'T0OTHER' },
      { control: aControl({ status: 'cancelled', wasRunning: false }), audit, approversOf },
    );
    expect(refused.ok).toBe(false);
    expect(audit.events()).toEqual(['cancelled', 'cancel_refused']);
  });

  it('audits a refused cancel of a finished request', async () => {
    const audit = new MemoryAuditLog();
    const answer = await cancelDebugRequest(input, {
      control: aControl({ status: 'already_finished' }),
      audit,
    });
    expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/already finished/) });
    expect(audit.records).toEqual([
      expect.objectContaining({ event: 'cancel_refused', reason: 'already_finished' }),
    ]);
  });
});
