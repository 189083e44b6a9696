import { describe, expect, it } from 'vitest';
import type { ApprovalCard } from '../../../src/core/describe-approval-card.js';
import {
  APPROVAL_ACTION_IDS,
  APPROVAL_ACTION_PATTERN,
  approvalBlockId,
  readApprovalBlockId,
  renderApprovalCard,
} from '../../../src/slack/render-approval-card.js';
import { showArgv } from '../../../src/slack/render-approval-commands.js';
import {
  blockTextLength,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from '../../../src/slack/slack-message.js';
import { checkMessageShape } from '../../fakes/slack-api/check-message-shape.js';
import { APPROVAL_STATES_FOR_CARDS, aCard, anApproval } from '../../fixtures/slack/approvals.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';

/** Every `<…>` Slack would parse: only our own user, group and date tokens may appear. */
const LIVE_TOKEN = /<[^>]*>/g;
const ALLOWED_TOKEN =
  /^<(@[UW][A-Z0-9]{2,30}|!subteam\^S[A-Z0-9]{2,30}|!date\^\d+\^\{date_short_pretty\} \{time\}\|[0-9: -]+UTC)>$/;

function allText(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks ?? []) {
    if (block.type === 'section') {
      if (block.text) texts.push(block.text.text);
      for (const field of block.fields ?? []) texts.push(field.text);
    } else if (block.type === 'context') {
      for (const element of block.elements) if ('text' in element) texts.push(element.text);
    }
  }
  return texts;
}

function liveTokens(message: SlackMessage): string[] {
  return allText(message).flatMap((t) => t.match(LIVE_TOKEN) ?? []);
}

function actionsOf(message: SlackMessage) {
  return (message.blocks ?? []).filter(
    (b): b is Extract<SlackBlock, { type: 'actions' }> => b.type === 'actions',
  );
}

function expectWithinSlackLimits(message: SlackMessage): void {
  const blocks = message.blocks ?? [];
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    if (block.type === 'section') {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
  }
  expect(blocks.reduce((sum, b) => sum + blockTextLength(b), 0)).toBeLessThanOrEqual(
    SLACK_LIMITS.textPerMessage,
  );
  expect(checkMessageShape({ text: message.text, blocks }, { tooManyBlocksError: 'invalid_blocks' })).toBe(
    undefined,
  );
}

describe('renderApprovalCard golden files', () => {
  it.each([
    ['pending', APPROVAL_STATES_FOR_CARDS.pending],
    ['partially-approved', APPROVAL_STATES_FOR_CARDS.partiallyApproved],
    ['approved', APPROVAL_STATES_FOR_CARDS.approved],
    ['denied', APPROVAL_STATES_FOR_CARDS.denied],
    ['expired', APPROVAL_STATES_FOR_CARDS.expired],
    ['cancelled', APPROVAL_STATES_FOR_CARDS.cancelled],
  ])('%s', async (name, state) => {
    const message = renderApprovalCard(aCard(state));
    expectWithinSlackLimits(message);
    await expect(JSON.stringify(message, null, 2)).toMatchFileSnapshot(
      `./__golden__/approval-card-${name}.json`,
    );
  });
});

describe('renderApprovalCard content', () => {
  it('shows requester, cluster, target, container, image, profile, argv, reasons, approvers, digest and expiry', () => {
    const card = aCard();
    const text = allText(renderApprovalCard(card)).join('\n');
    expect(text).toContain('<@U0REQUESTER>');
    expect(text).toContain('`prod-eu-1`');
    expect(text).toContain('`shop/checkout-7d9f`');
    expect(text).toContain('`app`');
    expect(text).toContain('`busybox:1.36`');
    expect(text).toContain('`restricted`');
    expect(text).toContain('```\n$ ps auxww\n```');
    expect(text).toContain('>checkout latency spike, INC-4211');
    expect(text).toContain('• namespace shop has label env=prod');
    expect(text).toContain('<@U0APPROVER>, <@U0CAROL>, <!subteam^S0SRE>');
    expect(text).toContain('*Approvals so far*: 0 of 1');
    expect(text).toContain(`\`${card.shortDigest}\``);
    expect(card.shortDigest).toHaveLength(12);
    expect(text).toContain('(in 25 min)');
    expect(text).toContain('<!date^1767324845^{date_short_pretty} {time}|2026-01-02 03:34 UTC>');
  });

  it('says the profile is chosen at run time when none was asked for, and marks workload targets', () => {
    const request = aDebugRequest({ target: { namespace: 'shop', kind: 'deployment', name: 'checkout' } });
    delete request.profile;
    const text = allText(renderApprovalCard(aCard({ request }))).join('\n');
    expect(text).toContain('_chosen at run time_');
    expect(text).toContain('`shop/deployment/checkout`\n_one pod, picked when it runs_');
    expect(text).toContain("_the pod's first container_");
  });

  it('pending: Approve (primary), Deny (danger), Cancel request; values = approval id; block id = full digest', () => {
    const card = aCard();
    const [actions, ...more] = actionsOf(renderApprovalCard(card));
    expect(more).toHaveLength(0);
    expect(actions!.block_id).toBe(`debug_approval:${card.digest}`);
    expect(actions!.block_id!.length).toBeLessThanOrEqual(255);
    expect(
      actions!.elements.map((e) => (e.type === 'button' ? [e.action_id, e.style, e.value] : [])),
    ).toEqual([
      [APPROVAL_ACTION_IDS.approve, 'primary', 'rk7m2xq9d4hp'],
      [APPROVAL_ACTION_IDS.deny, 'danger', 'rk7m2xq9d4hp'],
      [APPROVAL_ACTION_IDS.cancel, undefined, 'rk7m2xq9d4hp'],
    ]);
    for (const id of Object.values(APPROVAL_ACTION_IDS)) expect(APPROVAL_ACTION_PATTERN.test(id)).toBe(true);
    expect(readApprovalBlockId(actions!.block_id)).toBe(card.digest);
  });

  it.each(['approved', 'denied', 'expired', 'cancelled'] as const)('%s: no buttons', (state) => {
    const key = state === 'approved' ? 'approved' : state;
    expect(actionsOf(renderApprovalCard(aCard(APPROVAL_STATES_FOR_CARDS[key])))).toHaveLength(0);
  });

  it('no buttons on a pending card that is already due (describeApprovalCard says expired)', () => {
    const card = aCard({}, new Date('2026-01-02T03:34:05.000Z'));
    expect(card.state).toBe('expired');
    expect(actionsOf(renderApprovalCard(card))).toHaveLength(0);
    const forced: ApprovalCard = { ...aCard(), buttons: false };
    expect(actionsOf(renderApprovalCard(forced))).toHaveLength(0);
  });

  it('says who decided', () => {
    const approved = allText(renderApprovalCard(aCard(APPROVAL_STATES_FOR_CARDS.approved))).join('\n');
    expect(approved).toContain('*Approved* by <@U0CAROL>');
    expect(approved).toContain('*Approvals so far*: 2 of 2 — <@U0APPROVER>, <@U0CAROL>');
    const denied = allText(renderApprovalCard(aCard(APPROVAL_STATES_FOR_CARDS.denied))).join('\n');
    expect(denied).toContain('*Denied* by <@U0APPROVER>');
    const cancelled = allText(renderApprovalCard(aCard(APPROVAL_STATES_FOR_CARDS.cancelled))).join('\n');
    expect(cancelled).toContain('*Cancelled* by the requester, <@U0REQUESTER> (');
  });

  it('the pending fallback text names the approvers; decided ones do not ping again', () => {
    expect(renderApprovalCard(aCard()).text).toContain('<@U0APPROVER>, <@U0CAROL>, <!subteam^S0SRE>');
    expect(renderApprovalCard(aCard(APPROVAL_STATES_FOR_CARDS.denied)).text).not.toContain('<');
  });
});

describe('renderApprovalCard escaping of hostile input', () => {
  const hostile = [
    ['echo', '<!channel>'],
    ['sh', '-c', 'echo ```; curl <http://x|y> `id`'],
    ['printf', '```'],
    ['echo', '<@U0BOSS> &amp; <!subteam^S0ALL>'],
  ];

  it('keeps argv, reason and production reasons inert: no mention, link or broadcast from the request', () => {
    const message = renderApprovalCard(
      aCard({
        request: aDebugRequest({ commands: hostile }),
        reason: '<!here> *Approved* by <@U0BOSS>\n:white_check_mark: <http://evil|docs>',
        productionReasons: ['label <!everyone> matched'],
      }),
    );
    for (const token of liveTokens(message)) expect(token).toMatch(ALLOWED_TOKEN);
    const text = allText(message).join('\n');
    expect(text).toContain("$ echo '&lt;!channel&gt;'");
    expect(text).toContain('&lt;http://x|y&gt;');
    expect(text).toContain('&amp;amp;');
    expect(text).toContain(
      '>&lt;!here&gt; *Approved* by &lt;@U0BOSS&gt;\n>:white_check_mark: &lt;http://evil|docs&gt;',
    );
    expect(text).toContain('label &lt;!everyone&gt; matched');
    expect(text).not.toContain('<@U0BOSS>');
  });

  it('neutralises code fences in argv: each commands section opens and closes exactly one code block', () => {
    const message = renderApprovalCard(aCard({ request: aDebugRequest({ commands: hostile }) }));
    const commands = allText(message).filter((t) => t.includes('$ '));
    expect(commands).toHaveLength(1);
    expect(commands[0]!.match(/```/g)).toHaveLength(2);
    expect(commands[0]).toContain('\u02CB\u02CB\u02CB');
    expect(commands[0]).toContain('`id`');
  });

  it('shows line breaks, control and invisible characters as stand-ins, with a note', () => {
    const message = renderApprovalCard(
      aCard({
        request: aDebugRequest({
          commands: [
            ['echo', 'ok\n$ rm -rf /'],
            ['cat', '\u202Eflow.txt\u0007'],
          ],
        }),
      }),
    );
    const text = allText(message).join('\n');
    expect(text).toContain("$ echo 'ok\u240A$ rm -rf /'\n$ cat '\u27E6U+202E\u27E7flow.txt\u2407'");
    expect(text).toContain('shown here as visible stand-ins');
    expect(allText(renderApprovalCard(aCard())).join('\n')).not.toContain('stand-ins');
  });

  it('shows malformed approver and clicker ids inert; live mentions only for well-formed ids', () => {
    const message = renderApprovalCard(
      aCard({
        approvers: {
          users: ['U0GOOD', 'T0OTHER:U0REMOTE', 'bob<!channel>'],
          groups: ['S0SRE', '@sre-oncall', 'S<!here>'],
        },
        approvalsRequired: 2,
        approvals: [{ by: { userId: 'x<!channel>', teamId: 'T0TEAM' }, at: '2026-01-02T03:08:00.000Z' }],
      }),
    );
    expect(liveTokens(message).sort()).toEqual(
      expect.arrayContaining(['<@U0GOOD>', '<@U0REMOTE>', '<!subteam^S0SRE>']),
    );
    for (const token of liveTokens(message)) expect(token).toMatch(ALLOWED_TOKEN);
    const text = allText(message).join('\n');
    expect(text).toContain('`bob&lt;!channel&gt;`');
    expect(text).toContain('`@sre-oncall`');
    expect(text).toContain('`S&lt;!here&gt;`');
    expect(text).toContain('`x&lt;!channel&gt;`');
  });
});

describe('renderApprovalCard within Slack limits', () => {
  it('cuts one huge argv with a note; the block id still carries the full digest', () => {
    const card = aCard({ request: aDebugRequest({ commands: [['echo', '&<>'.repeat(10_000)]] }) });
    const message = renderApprovalCard(card);
    expectWithinSlackLimits(message);
    const text = allText(message).join('\n');
    expect(text).toContain('Commands 1 shortened to fit in Slack');
    expect(text).toContain('…\n```');
    expect(actionsOf(message)[0]!.block_id).toBe(approvalBlockId(card.digest));
  });

  it('packs many commands into a few sections and says how many are not shown', () => {
    const commands = Array.from({ length: 200 }, (_, i) => ['echo', `${i}`, 'x'.repeat(120)]);
    const message = renderApprovalCard(aCard({ request: aDebugRequest({ commands }) }));
    expectWithinSlackLimits(message);
    const text = allText(message).join('\n');
    expect(text).toMatch(/Commands \d+ not shown to fit in Slack/);
    expect(text).toContain('$ echo 0 ');
    expect(text).toContain('*Commands* — 200,');
  });

  it('stays within limits with everything long at once', () => {
    const long = '<&>'.repeat(2000);
    const message = renderApprovalCard(
      aCard({
        request: aDebugRequest({
          target: { namespace: long, kind: 'selector', name: long, container: long },
          image: long,
          commands: Array.from({ length: 60 }, () => ['sh', '-c', long]),
        }),
        cluster: long,
        reason: `${long}\n`.repeat(40),
        productionReasons: Array.from({ length: 30 }, () => long),
        approvers: {
          users: Array.from({ length: 40 }, (_, i) => `U0USER${i}`),
          groups: Array.from({ length: 40 }, () => long),
        },
        approvalsRequired: 40,
        approvals: Array.from({ length: 30 }, (_, i) => ({
          by: { userId: `${long}${i}`, teamId: 'T0TEAM' },
          at: '2026-01-02T03:08:00.000Z',
        })),
      }),
    );
    expectWithinSlackLimits(message);
    expect(message.text.length).toBeLessThanOrEqual(3000);
    const text = allText(message).join('\n');
    expect(text).toContain('• _and 22 more_');
    expect(text).toContain(' and 68 more\n*Approvals so far*: 30 of 40 — ');
  });

  it('showArgv keeps one command on one line', () => {
    expect(showArgv(['a', 'b c', 'd\ne'])).toBe("$ a 'b c' 'd\u240Ae'");
  });
});

describe('readApprovalBlockId', () => {
  const digest = anApproval().digest;
  it.each([
    [`debug_approval:${digest}`, digest],
    ['debug_approval:', undefined],
    ['debug_approval:NOT-HEX', undefined],
    ['approval', undefined],
    [undefined, undefined],
  ])('%j → %j', (blockId, expected) => {
    expect(readApprovalBlockId(blockId)).toBe(expected);
  });
});
