import { describe, expect, it } from 'vitest';
import type { RequestPhase } from '../../../src/core/model.js';
import { renderQueuedReply, renderRefusedReply } from '../../../src/slack/render-command-reply.js';
import { PHASE_LABELS, renderRootMessage } from '../../../src/slack/render-root-message.js';
import { renderPresetList, renderUsage } from '../../../src/slack/render-usage.js';
import { aDebugRequest } from '../../fixtures/slack/transcripts.js';

describe('renderRootMessage', () => {
  it('matches its golden file', async () => {
    const message = renderRootMessage(
      aDebugRequest({
        commands: [
          ['ps', 'auxww'],
          ['sh', '-c', 'cat /etc/resolv.conf | grep search'],
        ],
      }),
      { phase: 'pulling', detail: 'Pulling image "busybox:1.36"' },
    );
    await expect(JSON.stringify(message, null, 2)).toMatchFileSnapshot('./__golden__/root-message.json');
  });

  it.each(Object.keys(PHASE_LABELS) as RequestPhase[])('shows phase %s with its emoji and label', (phase) => {
    const text = JSON.stringify(renderRootMessage(aDebugRequest(), { phase }));
    expect(text).toContain(PHASE_LABELS[phase].emoji);
    expect(text).toContain(PHASE_LABELS[phase].label);
  });

  it('escapes status detail and argv; the requester is the only mention', () => {
    const message = renderRootMessage(aDebugRequest({ commands: [['echo', '<!here>']] }), {
      phase: 'failed',
      detail: '<!channel> <http://x|y>',
    });
    const text = JSON.stringify(message);
    expect(text).not.toMatch(/<!|<http/);
    expect(text.match(/<@/g)).toHaveLength(1);
  });

  it('keeps the commands section under 3000 characters for 10 long commands', () => {
    const commands = Array.from({ length: 10 }, () => ['echo', '&'.repeat(390)]);
    const message = renderRootMessage(aDebugRequest({ commands }), { phase: 'queued' });
    for (const block of message.blocks ?? []) {
      if (block.type === 'section' && block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    }
  });
});

describe('usage and replies', () => {
  it('renders the help with the grammar and the problem first', () => {
    const usage = renderUsage('unknown option -x <!channel>');
    expect(usage.blocks?.[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':warning: unknown option -x &lt;!channel&gt;', verbatim: true },
    });
    expect(JSON.stringify(usage)).toContain('/debug &lt;target&gt;');
    expect(usage.text).not.toContain('<!channel>');
  });

  it('lists presets with their commands', () => {
    const list = renderPresetList([
      { name: 'dns', description: 'resolver checks', commands: [['cat', '/etc/resolv.conf']] },
    ]);
    expect(JSON.stringify(list)).toContain('$ cat /etc/resolv.conf');
    expect(renderPresetList([]).text).toBe('No presets are configured.');
  });

  it('renders ack replies with escaped reasons', () => {
    expect(renderQueuedReply('rabc').text).toContain('`rabc`');
    expect(renderRefusedReply('namespace <kube-system> is not allowed').text).toContain(
      '&lt;kube-system&gt;',
    );
  });
});
