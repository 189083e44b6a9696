import type { BlockAction, BlockElementAction } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { readApprovalClick } from '../../../src/slack/answer-approval-click.js';
import {
  formatApprovers,
  formatGroupMention,
  mentionSlackUser,
} from '../../../src/slack/format-approvers.js';
import {
  renderApprovalClickAnswer,
  renderApprovalPendingReply,
  renderPendingApprovalReply,
} from '../../../src/slack/render-command-reply.js';
import { approvalClickPayload } from '../../fixtures/slack/payloads.js';

describe('approver formatting', () => {
  it('mentions well-formed user and group ids only', () => {
    expect(
      formatApprovers({ users: ['U0A', 'T0B:W0C', '<!here>'], groups: ['S0SRE', '@sre', 'S0<x>'] }),
    ).toBe('<@U0A>, <@W0C>, `&lt;!here&gt;`, <!subteam^S0SRE>, `@sre`, `S0&lt;x&gt;`');
    expect(formatGroupMention('s0lower')).toBe('`s0lower`');
    expect(mentionSlackUser({ userId: 'U0X', teamId: 'T0' })).toBe('<@U0X>');
    expect(formatApprovers({ users: [], groups: [] })).toBe('_none_');
  });

  it('lists at most 12, then "and N more"', () => {
    const users = Array.from({ length: 15 }, (_, i) => `U0USER${i}`);
    expect(formatApprovers({ users, groups: [] })).toMatch(/<@U0USER11> and 3 more$/);
  });
});

describe('approval replies', () => {
  it('renderApprovalPendingReply names approvers and how many approvals are needed, to the requester only', () => {
    const reply = renderApprovalPendingReply('rk7m2xq9d4hp', { users: ['U0BOB'], groups: ['S0SRE'] }, 2);
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toContain(
      'Request `rk7m2xq9d4hp` targets production and needs 2 approvals from <@U0BOB>, <!subteam^S0SRE>',
    );
    expect(renderApprovalPendingReply('r1', { users: ['U0BOB'], groups: [] }).text).toContain(
      'needs one approval',
    );
    expect(renderPendingApprovalReply('r1').text).toContain('needs approval');
  });

  it('renderApprovalClickAnswer escapes everything but user mentions', () => {
    const reply = renderApprovalClickAnswer(
      'This request was already denied by <@U0BOB>. <!channel> <http://x|y>',
    );
    expect(reply).toMatchObject({ ephemeral: true });
    expect(reply.text).toBe(
      'This request was already denied by <@U0BOB>. &lt;!channel&gt; &lt;http://x|y&gt;',
    );
  });
});

describe('readApprovalClick', () => {
  function read(overrides: Parameters<typeof approvalClickPayload>[0] = {}, contextTeamId?: string) {
    const body = approvalClickPayload(overrides) as unknown as BlockAction;
    return readApprovalClick(body, body.actions[0] as BlockElementAction, contextTeamId);
  }
  const digest = 'ab'.repeat(32);

  it('reads decision, approval id, digest, clicker ids, channel and message', () => {
    expect(read({ decision: 'deny', value: 'rk7m2xq9d4hp', blockId: `debug_approval:${digest}` })).toEqual({
      input: {
        approvalId: 'rk7m2xq9d4hp',
        decision: 'deny',
        clicker: { userId: 'U0APPROVER', teamId: 'T0FAKE' },
        shownDigest: digest,
        channelId: 'C0CHANNEL',
        messageTs: '1700000001.000001',
      },
    });
  });

  it("prefers the user's own team id (shared channels), then the workspace's", () => {
    const shared = read({ userTeamId: 'T0HOME' });
    expect('input' in shared && shared.input.clicker).toEqual({ userId: 'U0APPROVER', teamId: 'T0HOME' });
    const noUserTeam = read({ userTeamId: null });
    expect('input' in noUserTeam && noUserTeam.input.clicker.teamId).toBe('T0FAKE');
  });

  it('leaves shownDigest out when the block id carries none', () => {
    const click = read({ blockId: 'approval' });
    expect('input' in click && 'shownDigest' in click.input).toBe(false);
  });

  it.each([['<!channel>'], [''], ['a b'], ['x'.repeat(65)], ['r:1']])('refuses approval id %j', (value) => {
    expect(read({ value })).toEqual({ problem: 'bad approval id' });
  });
});
