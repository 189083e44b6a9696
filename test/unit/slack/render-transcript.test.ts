import { describe, expect, it } from 'vitest';
import { renderTranscript } from '../../../src/slack/render-transcript.js';
import { blockTextLength, type SlackMessage } from '../../../src/slack/slack-message.js';
import {
  aTranscript,
  aTranscriptCommand,
  HOSTILE_OUTPUT,
  numberedLines,
} from '../../fixtures/slack/transcripts.js';

const GOLDEN = './__golden__';

function allText(messages: SlackMessage[]): string {
  return JSON.stringify(messages);
}

function expectWithinLimits(messages: SlackMessage[]): void {
  for (const message of messages) {
    const blocks = message.blocks ?? [];
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(50);
    let total = message.text.length;
    for (const block of blocks) {
      const size = blockTextLength(block);
      if (block.type === 'section' && block.text) {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(3000);
      }
      if (block.type === 'section' && block.fields) {
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(2000);
      }
      total += size;
    }
    expect(total).toBeLessThan(12_000);
  }
}

describe('renderTranscript golden files', () => {
  it('renders a short transcript', async () => {
    const rendered = renderTranscript(
      aTranscript({
        approvers: ['U0APPROVER'],
        commands: [
          aTranscriptCommand(),
          aTranscriptCommand({
            argv: ['sh', '-c', 'df -h | grep /data'],
            exitCode: 1,
            durationMs: 1830,
            output: '',
          }),
        ],
      }),
    );
    expectWithinLimits(rendered.messages);
    expect(rendered.files).toEqual([]);
    await expect(JSON.stringify(rendered, null, 2)).toMatchFileSnapshot(`${GOLDEN}/short-transcript.json`);
  });

  it('renders a long transcript: previews inline, full text as files, split into messages', async () => {
    const big = numberedLines(5000);
    const commands = [
      aTranscriptCommand({
        argv: ['cat', '/var/log/app.log'],
        output: big,
        outputBytes: Buffer.byteLength(big),
      }),
      ...Array.from({ length: 8 }, (_, i) =>
        aTranscriptCommand({ argv: ['cat', `/proc/${i + 1}/status`], output: numberedLines(20) }),
      ),
      aTranscriptCommand({
        argv: ['dmesg'],
        output: numberedLines(4000, 100),
        outputBytes: 262_144,
        truncated: true,
      }),
    ];
    const rendered = renderTranscript(aTranscript({ commands }));
    expectWithinLimits(rendered.messages);
    expect(rendered.messages.length).toBeGreaterThan(1);
    expect(rendered.files.map((f) => f.filename)).toEqual([
      'rk7m2xq9d4hp-command-1.txt',
      'rk7m2xq9d4hp-command-10.txt',
    ]);
    expect(rendered.files[0]!.content).toBe(big);
    const text = allText(rendered.messages);
    expect(text).toContain('line 000001');
    expect(text).toContain('line 005000');
    expect(text).toContain('more lines in the attached file');
    expect(text).toContain('Output truncated at 256.0 KiB');
    await expect(JSON.stringify(rendered, null, 2)).toMatchFileSnapshot(`${GOLDEN}/long-transcript.json`);
  });

  it('renders a failed transcript (start_failed, with the reason)', async () => {
    const rendered = renderTranscript(
      aTranscript({
        outcome: 'failed',
        reason: 'The debug container did not start: ImagePullBackOff (image "busybox:1.99" not found).',
        commands: [],
        imageId: undefined,
        ourContainersInPod: 3,
        notes: ['The container dbg-rk7m2xq9d4hp stays in the pod spec; it cannot be removed.'],
      }),
    );
    expectWithinLimits(rendered.messages);
    expect(allText(rendered.messages)).toContain('_No command ran._');
    await expect(JSON.stringify(rendered, null, 2)).toMatchFileSnapshot(`${GOLDEN}/failed-transcript.json`);
  });

  it('renders a redacted transcript with hostile output inert', async () => {
    const output = `AWS_ACCESS_KEY_ID=[REDACTED]\nAuthorization: Bearer [REDACTED]\n${HOSTILE_OUTPUT}\n`;
    const rendered = renderTranscript(
      aTranscript({ redactions: 2, commands: [aTranscriptCommand({ argv: ['env'], output })] }),
    );
    expectWithinLimits(rendered.messages);
    await expect(JSON.stringify(rendered, null, 2)).toMatchFileSnapshot(`${GOLDEN}/redacted-transcript.json`);
  });
});

describe('renderTranscript safety (TEST-MATRIX row 54)', () => {
  const hostile = aTranscript({
    pod: 'web-<!channel>',
    reason: '<!here> <http://evil|approve>',
    notes: ['<@U0ADMIN>'],
    commands: [aTranscriptCommand({ argv: ['echo', '<!channel>', '```'], output: HOSTILE_OUTPUT })],
  });

  it('leaves no live mention or link anywhere in the payload', () => {
    const text = allText(renderTranscript(hostile).messages);
    expect(text).not.toMatch(/<!(channel|here|everyone)/);
    expect(text).not.toMatch(/<http/);
    expect(text).not.toContain('<@U0ADMIN>');
    expect(text).not.toContain('<#C');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;http://evil.example/approve|Click to approve&gt;');
  });

  it('keeps the code block intact: exactly one fence pair around the output', () => {
    const outputBlock = renderTranscript(hostile).messages[0]!.blocks!.find(
      (b) => b.type === 'section' && b.text?.text.includes('closing the code block'),
    );
    const text = outputBlock?.type === 'section' ? outputBlock.text!.text : '';
    expect(text.startsWith('```\n')).toBe(true);
    expect(text.endsWith('\n```')).toBe(true);
    expect(text.match(/```/g)).toHaveLength(2);
  });

  it('marks mrkdwn verbatim so Slack does not parse @here or auto-link URLs', () => {
    const text = allText(renderTranscript(hostile).messages);
    expect(text).not.toContain('"verbatim":false');
    expect(text).toContain('"verbatim":true');
  });

  it('shows control characters in argv instead of sending them', () => {
    const rendered = renderTranscript(
      aTranscript({ commands: [aTranscriptCommand({ argv: ['printf', '\u001b[2J'] })] }),
    );
    const text = allText(rendered.messages);
    expect(text).not.toContain('\\u001b');
    expect(text).toContain('\u241b');
  });
});

describe('renderTranscript budgets', () => {
  it('keeps a 5 MB single-line output out of the message', () => {
    const output = 'y'.repeat(5 * 1024 * 1024);
    const rendered = renderTranscript(
      aTranscript({ commands: [aTranscriptCommand({ output, outputBytes: output.length })] }),
    );
    expectWithinLimits(rendered.messages);
    expect(rendered.files[0]!.content).toHaveLength(output.length);
  });

  it('counts escaped characters: 2,000 ampersands become a file, not a 10,000-character section', () => {
    const output = '&'.repeat(2000);
    const rendered = renderTranscript(aTranscript({ commands: [aTranscriptCommand({ output })] }));
    expectWithinLimits(rendered.messages);
    expect(rendered.files).toHaveLength(1);
  });

  it('splits many commands across messages under 50 blocks each', () => {
    const commands = Array.from({ length: 40 }, () => aTranscriptCommand({ output: 'ok\n' }));
    const rendered = renderTranscript(aTranscript({ commands }), { maxTextCharsPerMessage: 100_000 });
    expectWithinLimits(rendered.messages);
    expect(rendered.messages.length).toBeGreaterThan(2);
    expect(rendered.messages[1]!.text).toContain('(part 2 of');
  });
});
