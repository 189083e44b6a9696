import { describe, expect, it } from 'vitest';
import { parseDebugCommand } from '../../../src/slack/parse-debug-command.js';
import { readMentionText, unwrapSlackMarkup } from '../../../src/slack/read-mention-text.js';

describe('readMentionText', () => {
  it('takes the words after the mention and "debug"', () => {
    expect(readMentionText('<@U0BOT> debug web-1 -n shop -- ps aux', 'U0BOT')).toEqual({
      kind: 'debug',
      text: 'web-1 -n shop -- ps aux',
    });
  });

  it('accepts "Debug", a labelled mention, text before the mention and newlines', () => {
    expect(readMentionText('hey <@U0BOT|debug-bot>  Debug\nweb-1 -- ps', 'U0BOT')).toEqual({
      kind: 'debug',
      text: 'web-1 -- ps',
    });
  });

  it("skips other people's mentions before the bot's and removes repeated bot mentions", () => {
    expect(readMentionText('<@U0ALICE> <@U0BOT> debug web-1 -- echo <@U0BOT> hi', 'U0BOT')).toEqual({
      kind: 'debug',
      text: 'web-1 -- echo   hi',
    });
  });

  it('uses the first mention when the bot user id is unknown', () => {
    expect(readMentionText('<@U0BOT> debug web-1 -- ps')).toEqual({ kind: 'debug', text: 'web-1 -- ps' });
  });

  it('undoes Slack escaping and auto-links so the command parses as typed', () => {
    const raw =
      '<@U0BOT> debug web-1 --image <http://registry.example.com/busybox:1.36|registry.example.com/busybox:1.36> ' +
      "-- sh -c 'curl -s <http://svc.shop:8080/healthz> &amp;&amp; echo &lt;done&gt;'";
    const read = readMentionText(raw, 'U0BOT');
    expect(read).toEqual({
      kind: 'debug',
      text:
        'web-1 --image registry.example.com/busybox:1.36 ' +
        "-- sh -c 'curl -s http://svc.shop:8080/healthz && echo <done>'",
    });
    const parsed = parseDebugCommand(read.kind === 'debug' ? read.text : '');
    expect(parsed).toMatchObject({
      kind: 'debug',
      input: {
        image: 'registry.example.com/busybox:1.36',
        commands: [['sh', '-c', 'curl -s http://svc.shop:8080/healthz && echo <done>']],
      },
    });
  });

  it.each([
    ['<@U0BOT>'],
    ['<@U0BOT>   '],
    ['<@U0BOT> help'],
    ['<@U0BOT> --help'],
    ['<@U0BOT> debug'],
    ['<@U0BOT> debug help'],
    ['<@U0BOT> DEBUG -h'],
  ])('%j asks for the usage', (raw) => {
    expect(readMentionText(raw, 'U0BOT')).toEqual({ kind: 'usage' });
  });

  it.each([['<@U0BOT> thanks!'], ['<@U0BOT> web-1 -- ps aux'], ['<@U0BOT> debugger web-1']])(
    '%j asks for the usage with a hint about "debug"',
    (raw) => {
      const read = readMentionText(raw, 'U0BOT');
      expect(read.kind).toBe('usage');
      expect(read.kind === 'usage' && read.problem).toContain('"debug"');
    },
  );
});

describe('unwrapSlackMarkup', () => {
  it.each([
    ['<https://a.example/x>', 'https://a.example/x'],
    ['<http://web.example.com|web.example.com>', 'web.example.com'],
    ['<mailto:ops@example.com|ops@example.com>', 'ops@example.com'],
    ['<@U123|alice>', '@alice'],
    ['<@U123>', '@U123'],
    ['<#C123|ops>', '#ops'],
    ['&lt;not markup&gt; &amp;lt;', '<not markup> &lt;'],
  ])('%j → %j', (raw, typed) => {
    expect(unwrapSlackMarkup(raw)).toBe(typed);
  });
});
