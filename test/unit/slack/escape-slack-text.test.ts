import { split } from 'shlex';
import { describe, expect, it } from 'vitest';
import {
  decodeSlackText,
  escapedLength,
  escapeSlackText,
  formatCodeBlock,
  formatInlineCode,
  formatUserMention,
  quoteArgv,
  truncateForSlack,
  truncateText,
} from '../../../src/slack/escape-slack-text.js';

describe('Slack text escaping', () => {
  it('escapes &, < and > (and nothing else)', () => {
    expect(escapeSlackText('<!channel> & <@U1> "q" \'s\'')).toBe(
      '&lt;!channel&gt; &amp; &lt;@U1&gt; "q" \'s\'',
    );
  });

  it('decodes what Slack escaped, &amp; last', () => {
    expect(decodeSlackText('a &amp;&amp; b &gt; c &lt; d &amp;lt;')).toBe('a && b > c < d &lt;');
    expect(decodeSlackText(escapeSlackText('x <&> y &amp;'))).toBe('x <&> y &amp;');
  });

  it('keeps a code block closed: inner fences become lookalikes, the body never empty', () => {
    expect(formatCodeBlock('a\n```\nb````')).toBe('```\na\nˋˋˋ\nbˋˋˋˋ\n```');
    expect(formatCodeBlock('')).toBe('```\n \n```');
    expect(formatCodeBlock('x\n')).toBe('```\nx\n```');
  });

  it('formats inline code on one line without backticks', () => {
    expect(formatInlineCode('a`b\nc')).toBe('`aˋb⏎c`');
    expect(formatInlineCode('<x>')).toBe('`&lt;x&gt;`');
  });

  it('quotes argv the way a shell needs it and shows control characters', () => {
    for (const argv of [
      ['sh', '-c', "ps aux | grep 'x'"],
      ['echo', '$(id)', '`id`', ''],
      ['ls', '-la'],
    ]) {
      expect(split(quoteArgv(argv))).toEqual(argv);
    }
    expect(quoteArgv(['ls', '-la'])).toBe('ls -la');
    expect(quoteArgv(['printf', '\u001b[31m\u0007'])).toBe("printf '␛[31m␇'");
  });

  it('mentions only real-looking user ids', () => {
    expect(formatUserMention('U0ABC123')).toBe('<@U0ABC123>');
    expect(formatUserMention('U1> <!channel')).toBe('`U1&gt; &lt;!channel`');
  });

  it('truncates by escaped length and never inside a surrogate pair', () => {
    expect(escapedLength('a&<>')).toBe(1 + 5 + 4 + 4);
    const cut = truncateForSlack('&'.repeat(100), 21);
    expect(escapedLength(cut)).toBeLessThanOrEqual(21);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncateText('ab😀cd', 4)).toBe('ab…');
    expect(truncateForSlack('ab😀cd', 4)).toBe('ab…');
  });
});
