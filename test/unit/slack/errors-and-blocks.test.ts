import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { buildOutputPreview } from '../../../src/slack/build-output-preview.js';
import { packBlocks } from '../../../src/slack/pack-blocks.js';
import { section } from '../../../src/slack/slack-message.js';
import { toChatError } from '../../../src/slack/to-chat-error.js';

describe('toChatError', () => {
  it('maps platform, HTTP, network and rate-limit errors; never copies Slack text into userMessage', () => {
    const platform = new webApi.WebAPIPlatformError({ ok: false, error: 'is_archived' } as never);
    expect(toChatError(platform, 'x')).toMatchObject({ code: 'chat_unavailable', retryable: false });
    expect(
      toChatError(new webApi.WebAPIPlatformError({ ok: false, error: 'internal_error' } as never), 'x')
        .retryable,
    ).toBe(true);
    expect(toChatError(new webApi.WebAPIHTTPError(503, 'x', {}, 'body'), 'x').retryable).toBe(true);
    expect(toChatError(new webApi.WebAPIHTTPError(400, 'x', {}, 'body'), 'x').retryable).toBe(false);
    expect(toChatError(new webApi.WebAPIRateLimitedError(7), 'x')).toMatchObject({
      retryable: true,
      retryAfterSeconds: 7,
    });
    expect(toChatError(new Error('boom secret'), 'x').userMessage).not.toContain('secret');
  });
});

describe('packBlocks', () => {
  it('keeps groups together and never exceeds the block limit', () => {
    const group = (n: number) => Array.from({ length: n }, () => section('x'));
    const messages = packBlocks([group(3), group(3), group(3)], { maxBlocks: 5, maxTextChars: 1000 });
    expect(messages.map((m) => m.length)).toEqual([3, 3, 3]);
    const split = packBlocks([group(12)], { maxBlocks: 5, maxTextChars: 1000 });
    expect(split.map((m) => m.length)).toEqual([5, 5, 2]);
  });
});

describe('buildOutputPreview', () => {
  it('shows head and tail lines with a count of what is left out', () => {
    const output = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\n');
    const preview = buildOutputPreview(output, 300);
    expect(preview.text.startsWith('line 1\n')).toBe(true);
    expect(preview.text.endsWith('line 1000')).toBe(true);
    expect(preview.text).toContain(
      `… ${1000 - preview.headLines - preview.tailLines} more lines in the attached file …`,
    );
    expect(preview.text.length).toBeLessThanOrEqual(300);
  });

  it('cuts a single giant line', () => {
    const preview = buildOutputPreview('q'.repeat(1_000_000), 500);
    expect(preview.text.length).toBeLessThan(500);
    expect(preview.totalLines).toBe(1);
  });
});
