import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackWebClient } from '../../../src/slack/create-slack-notifier.js';
import { slackErrorCode } from '../../../src/slack/to-chat-error.js';
import { createRecordingLogger } from './create-recording-logger.js';
import { type FakeSlack, startFakeSlack } from './index.js';

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

describe('the fake Slack Web API', () => {
  let fake: FakeSlack;
  let client: ReturnType<typeof createSlackWebClient>;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [{ id: 'U0BOB', name: 'bob', email: 'bob@example.com' }],
      usergroups: { S0SRE: ['U0BOB', 'U0CAROL'] },
    });
    client = createSlackWebClient({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      logger: createRecordingLogger(),
    });
  });

  afterEach(() => fake.close());

  async function errorOf(call: Promise<unknown>): Promise<string | undefined> {
    return slackErrorCode(
      await call.then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
  }

  it('listens on 127.0.0.1 with an /api/ url', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test with the bot identity and refuses missing or wrong tokens like Slack', async () => {
    await expect(client.auth.test()).resolves.toMatchObject({
      ok: true,
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      team_id: 'T0FAKE',
    });
    const anonymous = await fetch(`${fake.url}auth.test`, { method: 'POST' });
    expect(await anonymous.json()).toEqual({ ok: false, error: 'not_authed' });
    const wrong = createSlackWebClient({
      token: 'xoxb-wrong',
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
    expect(await errorOf(wrong.chat.postMessage({ channel: 'C0CHANNEL', text: 'x' }))).toBe('invalid_auth');
    expect(fake.messages).toHaveLength(0);
  });

  it('records calls with parsed args, and answers increasing ts', async () => {
    const blocks = [section('hi')];
    const a = await client.chat.postMessage({ channel: 'C0CHANNEL', text: 'one', blocks });
    const b = await client.chat.postMessage({ channel: 'C0CHANNEL', text: 'two', thread_ts: a.ts! });
    expect(Number(b.ts)).toBeGreaterThan(Number(a.ts));
    const [first] = fake.callsTo('chat.postMessage');
    expect(first!.args.blocks).toEqual(blocks);
    expect(first!.token).toBe(fake.token);
    expect(fake.threadReplies('C0CHANNEL', a.ts!).map((m) => m.text)).toEqual(['two']);
  });

  it('applies chat.update and reports the final text; unknown messages are message_not_found', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0CHANNEL', text: 'v1' });
    await client.chat.update({ channel: 'C0CHANNEL', ts: ts!, text: 'v2' });
    await client.chat.update({ channel: 'C0CHANNEL', ts: ts!, text: 'v3' });
    expect(fake.finalMessage('C0CHANNEL', ts!)?.text).toBe('v3');
    expect(await errorOf(client.chat.update({ channel: 'C0CHANNEL', ts: '1.2', text: 'x' }))).toBe(
      'message_not_found',
    );
  });

  it.each([
    ['a section text over 3000 characters', { blocks: [section('x'.repeat(3001))] }, 'invalid_blocks'],
    ['an empty section text', { blocks: [section('')] }, 'invalid_blocks'],
    ['51 blocks', { blocks: Array.from({ length: 51 }, () => section('x')) }, 'invalid_blocks'],
    [
      'a field over 2000 characters',
      { blocks: [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'x'.repeat(2001) }] }] },
      'invalid_blocks',
    ],
    ['an unknown block type', { blocks: [{ type: 'banner', text: 'x' }] }, 'invalid_blocks'],
    [
      'a header in mrkdwn',
      { blocks: [{ type: 'header', text: { type: 'mrkdwn', text: '*x*' } }] },
      'invalid_blocks',
    ],
    [
      'a button label over 75 characters',
      {
        blocks: [
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'x'.repeat(76) } },
            ],
          },
        ],
      },
      'invalid_blocks',
    ],
    ['an actions block without elements', { blocks: [{ type: 'actions', elements: [] }] }, 'invalid_blocks'],
    [
      'two blocks with one block_id',
      {
        blocks: [
          { ...section('a'), block_id: 'same' },
          { ...section('b'), block_id: 'same' },
        ],
      },
      'invalid_blocks',
    ],
    ['text over 40,000 characters', { text: 'x'.repeat(40_001) }, 'msg_too_long'],
    ['no text and no blocks', { text: '' }, 'no_text'],
    ['an unknown channel id', { channel: 'general', text: 'x' }, 'channel_not_found'],
  ])('refuses %s', async (_name, args, error) => {
    const call = client.chat.postMessage({ channel: 'C0CHANNEL', text: 'fallback', ...args } as never);
    expect(await errorOf(call)).toBe(error);
    expect(fake.messages).toHaveLength(0);
  });

  it('says where a block is wrong, in Slack style', async () => {
    const error = await client.chat
      .postMessage({ channel: 'C0CHANNEL', text: 'x', blocks: [section('x'.repeat(3001))] })
      .catch((e) => e);
    expect(error.data.response_metadata.messages).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    ]);
  });

  it('can answer msg_blocks_too_long for too many blocks', async () => {
    await fake.close();
    fake = await startFakeSlack({ tooManyBlocksError: 'msg_blocks_too_long' });
    client = createSlackWebClient({ token: fake.token, slackApiUrl: fake.url, retryConfig: { retries: 0 } });
    const blocks = Array.from({ length: 51 }, () => section('x'));
    expect(await errorOf(client.chat.postMessage({ channel: 'C0CHANNEL', text: 'x', blocks }))).toBe(
      'msg_blocks_too_long',
    );
  });

  it('injects failures: a Slack error, a 429 with Retry-After, an HTTP status', async () => {
    fake.failNext('chat.postMessage', { error: 'msg_too_long' });
    expect(await errorOf(client.chat.postMessage({ channel: 'C0CHANNEL', text: 'x' }))).toBe('msg_too_long');
    await client.chat.postMessage({ channel: 'C0CHANNEL', text: 'x' });

    fake.failNext('chat.update', { status: 429, retryAfter: 7 });
    const limited = await fetch(`${fake.url}chat.update`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.token}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');

    fake.failNext('auth.test', { status: 503 }, 2);
    expect((await fetch(`${fake.url}auth.test`, { method: 'POST' })).status).toBe(503);
    expect((await fetch(`${fake.url}auth.test`, { method: 'POST' })).status).toBe(503);
    expect((await fetch(`${fake.url}auth.test`, { method: 'POST' })).status).toBe(200);
  });

  it('runs the three-step upload (getUploadURLExternal → POST → completeUploadExternal) into a thread', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0CHANNEL', text: 'root' });
    await client.filesUploadV2({
      channel_id: 'C0CHANNEL',
      thread_ts: ts!,
      content: 'héllo\n',
      filename: 'out.txt',
      title: 'Output',
    });
    expect(fake.callsTo('files.getUploadURLExternal')[0]!.args).toMatchObject({
      filename: 'out.txt',
      length: '7',
    });
    expect(fake.callsTo('upload')).toHaveLength(1);
    expect(fake.uploads[0]).toMatchObject({
      filename: 'out.txt',
      title: 'Output',
      completed: true,
      threadTs: ts,
    });
    expect(fake.uploads[0]!.content!.toString('utf8')).toBe('héllo\n');
    expect(fake.threadReplies('C0CHANNEL', ts!)[0]!.fileIds).toEqual([fake.uploads[0]!.fileId]);
  });

  it('refuses to complete an upload whose bytes never arrived', async () => {
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'x.txt', length: 3 });
    const call = client.files.completeUploadExternal({ files: [{ id: file_id! }], channel_id: 'C0CHANNEL' });
    expect(await errorOf(call)).toBe('file_not_found');
  });

  it('answers users.info, users.lookupByEmail and usergroups.users.list from its seed', async () => {
    await expect(client.users.info({ user: 'U0BOB' })).resolves.toMatchObject({
      user: { id: 'U0BOB', name: 'bob' },
    });
    await expect(client.users.lookupByEmail({ email: 'bob@example.com' })).resolves.toMatchObject({
      user: { id: 'U0BOB' },
    });
    await expect(client.usergroups.users.list({ usergroup: 'S0SRE' })).resolves.toMatchObject({
      users: ['U0BOB', 'U0CAROL'],
    });
    expect(await errorOf(client.users.info({ user: 'U0NOBODY' }))).toBe('user_not_found');
    expect(await errorOf(client.users.lookupByEmail({ email: 'x@example.com' }))).toBe('users_not_found');
    expect(await errorOf(client.usergroups.users.list({ usergroup: 'S0NONE' }))).toBe('no_such_subteam');
  });

  it('records response_url posts per id', async () => {
    await fetch(fake.responseUrl('cmd-1'), {
      method: 'POST',
      body: JSON.stringify({ text: 'late' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(fake.responsePosts('cmd-1').map((p) => p.body)).toEqual([{ text: 'late' }]);
    expect(fake.responsePosts('other')).toEqual([]);
  });

  it('answers postEphemeral with a message_ts and keeps it out of the channel', async () => {
    const result = await client.chat.postEphemeral({ channel: 'C0CHANNEL', user: 'U0BOB', text: 'psst' });
    expect(result.message_ts).toBeDefined();
    expect(fake.messages).toHaveLength(0);
  });
  it('lists user groups with usergroups.list: handles, disabled ones only on request, members with include_users', async () => {
    const listed = await client.usergroups.list();
    expect(listed.usergroups).toEqual([
      expect.objectContaining({ id: 'S0SRE', handle: 's0sre', user_count: 2, date_delete: 0 }),
    ]);
    expect(listed.usergroups![0]!.users).toBeUndefined();
    const withUsers = await client.usergroups.list({ include_users: true });
    expect(withUsers.usergroups![0]!.users).toEqual(['U0BOB', 'U0CAROL']);

    const other = await startFakeSlack({
      usergroups: { S0A: ['U0A'], S0B: [] },
      usergroupInfo: { S0A: { handle: 'team-a', name: 'Team A' }, S0B: { handle: 'gone', disabled: true } },
    });
    const otherClient = createSlackWebClient({
      token: other.token,
      slackApiUrl: other.url,
      retryConfig: { retries: 0 },
    });
    expect((await otherClient.usergroups.list()).usergroups!.map((g) => [g.id, g.handle, g.name])).toEqual([
      ['S0A', 'team-a', 'Team A'],
    ]);
    const all = await otherClient.usergroups.list({ include_disabled: true });
    expect(all.usergroups!.map((g) => [g.id, Boolean(g.date_delete)])).toEqual([
      ['S0A', false],
      ['S0B', true],
    ]);
    await other.close();
  });
});
