import { describe, expect, it } from 'vitest';
import type { RequestPhase } from '../../../src/core/model.js';
import {
  renderCancelRefusedReply,
  renderCancelRequestedReply,
  renderDuplicateReply,
  renderQueuedReply,
  renderRefusedReply,
} from '../../../src/slack/render-command-reply.js';
import { formatNoticeText, renderNotice } from '../../../src/slack/render-notice.js';
import {
  CANCEL_ACTION_ID,
  isFinalPhase,
  PHASE_LABELS,
  renderRootMessage,
} from '../../../src/slack/render-root-message.js';
import { renderUsage } from '../../../src/slack/render-usage.js';
import type { SlackBlock } from '../../../src/slack/slack-message.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';

const PHASES = Object.keys(PHASE_LABELS) as RequestPhase[];

function actionsOf(blocks: SlackBlock[] | undefined) {
  return (blocks ?? []).filter((b) => b.type === 'actions');
}

describe('the Cancel button on the root message', () => {
  it.each(PHASES.filter((p) => !isFinalPhase(p)))('is there while the request is %s', (phase) => {
    const [actions, ...more] = actionsOf(renderRootMessage(aDebugRequest(), { phase }).blocks);
    expect(more).toHaveLength(0);
    expect(actions).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', action_id: CANCEL_ACTION_ID, value: 'rk7m2xq9d4hp', style: 'danger' }],
    });
  });

  it.each(['done', 'failed', 'cancelled'] as const)('is gone once the request is %s', (phase) => {
    expect(isFinalPhase(phase)).toBe(true);
    expect(actionsOf(renderRootMessage(aDebugRequest(), { phase }).blocks)).toHaveLength(0);
  });

  it('sits between the status line and the footer', () => {
    const types = renderRootMessage(aDebugRequest(), { phase: 'running' }).blocks?.map((b) => b.type);
    expect(types).toEqual(['section', 'section', 'section', 'section', 'actions', 'context']);
  });

  it('carries the request id only, and stays within Block Kit limits (confirm dialog included)', () => {
    const request = aDebugRequest({
      target: { namespace: 'shop', kind: 'pod', name: 'x'.repeat(253) },
      commands: [['echo', '<!channel> secret-ish argv']],
    });
    const [actions] = actionsOf(renderRootMessage(request, { phase: 'queued' }).blocks);
    const json = JSON.stringify(actions);
    expect(json).not.toContain('x'.repeat(20));
    expect(json).not.toContain('argv');
    const button = actions?.type === 'actions' ? actions.elements[0] : undefined;
    if (button?.type !== 'button') throw new Error('no button');
    expect(button.action_id).toBe('debug_cancel');
    expect(button.text.text.length).toBeLessThanOrEqual(75);
    expect(button.value!.length).toBeLessThanOrEqual(2000);
    expect(button.confirm?.title?.text.length).toBeLessThanOrEqual(100);
    expect(button.confirm?.text.text.length).toBeLessThanOrEqual(300);
    expect(button.confirm?.confirm?.text.length).toBeLessThanOrEqual(30);
    expect(button.confirm?.deny?.text.length).toBeLessThanOrEqual(30);
    expect(button.confirm?.style).toBe('danger');
  });
});

describe('who sees a reply', () => {
  it('marks refusals, typos and duplicates for the requester only; queued replies and help are public', () => {
    expect(renderRefusedReply('no').ephemeral).toBe(true);
    expect(renderUsage('unknown option -x').ephemeral).toBe(true);
    expect(renderDuplicateReply('rabc').ephemeral).toBe(true);
    expect(renderCancelRequestedReply('rabc').ephemeral).toBe(true);
    expect(renderCancelRefusedReply('no').ephemeral).toBe(true);
    expect(renderQueuedReply('rabc').ephemeral).toBeUndefined();
    expect(renderUsage().ephemeral).toBeUndefined();
  });

  it('explains in the usage how to ask from a thread', () => {
    expect(JSON.stringify(renderUsage())).toContain('@bot debug web-1');
  });

  it('escapes the reason a cancel was refused', () => {
    const reply = renderCancelRefusedReply('only <@U0REQUESTER> or <!subteam^S1> may cancel');
    expect(reply.text).toBe('Not cancelled: only &lt;@U0REQUESTER&gt; or &lt;!subteam^S1&gt; may cancel');
    expect(renderCancelRequestedReply('rk7m2xq9d4hp').text).toContain('`rk7m2xq9d4hp`');
  });
});

describe('renderNotice', () => {
  it('keeps user mentions live and everything else inert', () => {
    expect(formatNoticeText('Cancelled by <@U0BOB>.')).toBe('Cancelled by <@U0BOB>.');
    expect(formatNoticeText('<!channel> <!here> <!subteam^S1|@ops> <http://x|y> & <@U0BOB|bob>')).toBe(
      '&lt;!channel&gt; &lt;!here&gt; &lt;!subteam^S1|@ops&gt; &lt;http://x|y&gt; &amp; &lt;@U0BOB|bob&gt;',
    );
  });

  it('is short: a cut mention is never left half live', () => {
    const text = formatNoticeText(`${'a'.repeat(495)} <@U0BOBBY>`);
    expect(text).not.toContain('<@');
    expect(text.length).toBeLessThan(520);
  });

  it('renders one small context block', () => {
    expect(renderNotice('Cancelled by <@U0BOB>.')).toEqual({
      text: 'Cancelled by <@U0BOB>.',
      blocks: [
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: ':information_source: Cancelled by <@U0BOB>.', verbatim: true }],
        },
      ],
    });
  });
});
