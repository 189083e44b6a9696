import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheApproverDirectory } from '../../../src/core/cache-approver-directory.js';
import { DebugError } from '../../../src/core/errors.js';
import { resolveApprovers } from '../../../src/core/resolve-approvers.js';
import { createSlackDirectories } from '../../../src/slack/create-slack-directories.js';
import { createSlackWebClient } from '../../../src/slack/create-slack-notifier.js';
import { SlackApproverDirectory } from '../../../src/slack/slack-directories.js';
import { type FakeSlack, startFakeSlack } from '../../fakes/slack-api/index.js';

describe('Slack directories against the fake Slack Web API', () => {
  let fake: FakeSlack;
  let directories: ReturnType<typeof createSlackDirectories>;

  beforeEach(async () => {
    fake = await startFakeSlack({
      users: [
        { id: 'U0BOB', name: 'bob', email: 'bob@example.com' },
        { id: 'U0HIDDEN', name: 'hidden' },
      ],
      usergroups: { S0SRE: ['U0BOB', 'U0CAROL'], S0DBA: ['U0DAVE', 'U0BOB'], S0OLD: ['U0EVE'] },
      usergroupInfo: {
        S0SRE: { handle: 'sre-oncall', name: 'SRE on call' },
        S0OLD: { handle: 'old-team', disabled: true },
      },
    });
    directories = createSlackDirectories({
      token: fake.token,
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
    });
  });

  afterEach(() => fake.close());

  it('membersOf(S…) lists the group with usergroups.users.list', async () => {
    await expect(directories.approvers.membersOf('S0SRE')).resolves.toEqual(['U0BOB', 'U0CAROL']);
    expect(fake.callsTo('usergroups.users.list').map((c) => c.args.usergroup)).toEqual(['S0SRE']);
    expect(fake.callsTo('usergroups.list')).toHaveLength(0);
    expect(fake.callsTo('usergroups.users.list')[0]!.token).toBe(fake.token);
  });

  it('membersOf(@handle) resolves the handle with usergroups.list first (case-insensitive), once per TTL', async () => {
    await expect(directories.approvers.membersOf('@sre-oncall')).resolves.toEqual(['U0BOB', 'U0CAROL']);
    await expect(directories.approvers.membersOf('@SRE-Oncall')).resolves.toEqual(['U0BOB', 'U0CAROL']);
    await expect(directories.approvers.membersOf('@s0dba')).resolves.toEqual(['U0DAVE', 'U0BOB']);
    expect(fake.callsTo('usergroups.list')).toHaveLength(1);
    expect(fake.callsTo('usergroups.users.list').map((c) => c.args.usergroup)).toEqual([
      'S0SRE',
      'S0SRE',
      'S0DBA',
    ]);
  });

  it('fails closed: unknown or disabled handles, unknown ids and Slack errors all throw', async () => {
    await expect(directories.approvers.membersOf('@nobody')).rejects.toMatchObject({
      code: 'chat_unavailable',
      userMessage: expect.stringContaining('@nobody was not found'),
    });
    await expect(directories.approvers.membersOf('@old-team')).rejects.toBeInstanceOf(DebugError);
    await expect(directories.approvers.membersOf('S0MISSING')).rejects.toThrow('no_such_subteam');
    fake.failNext('usergroups.users.list', { error: 'missing_scope' });
    await expect(directories.approvers.membersOf('S0SRE')).rejects.toMatchObject({
      userMessage: expect.stringContaining('lacks a Slack permission'),
    });
  });

  it('a failed usergroups.list is not remembered: the next lookup asks again', async () => {
    fake.failNext('usergroups.list', { error: 'internal_error' });
    await expect(directories.approvers.membersOf('@sre-oncall')).rejects.toMatchObject({ retryable: true });
    await expect(directories.approvers.membersOf('@sre-oncall')).resolves.toEqual(['U0BOB', 'U0CAROL']);
    expect(fake.callsTo('usergroups.list')).toHaveLength(2);
  });

  it('re-reads handles once the TTL has passed', async () => {
    let now = 0;
    const approvers = new SlackApproverDirectory({
      client: createSlackWebClient({ token: fake.token, slackApiUrl: fake.url, retryConfig: { retries: 0 } }),
      handleTtlMs: 1000,
      now: () => now,
      teamId: 'T0FAKE',
    });
    await approvers.membersOf('@sre-oncall');
    now = 999;
    await approvers.membersOf('@sre-oncall');
    now = 1000;
    await approvers.membersOf('@sre-oncall');
    expect(fake.callsTo('usergroups.list')).toHaveLength(2);
    expect(fake.callsTo('usergroups.list')[0]!.args.team_id).toBe('T0FAKE');
  });

  it('feeds the core: resolveApprovers through cacheApproverDirectory', async () => {
    const cached = cacheApproverDirectory(directories.approvers, {
      ttlMs: 60_000,
      clock: { now: () => new Date() },
    });
    const users = await resolveApprovers(
      { users: ['U0ALICE'], groups: ['@sre-oncall', 'S0DBA'] },
      'T0FAKE',
      cached,
    );
    expect(users).toEqual([
      { teamId: 'T0FAKE', userId: 'U0ALICE' },
      { teamId: 'T0FAKE', userId: 'U0BOB' },
      { teamId: 'T0FAKE', userId: 'U0CAROL' },
      { teamId: 'T0FAKE', userId: 'U0DAVE' },
    ]);
    await resolveApprovers({ users: [], groups: ['@sre-oncall'] }, 'T0FAKE', cached);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(2);
  });

  it('emailOf reads users.info → user.profile.email; undefined when hidden; throws when the lookup fails', async () => {
    await expect(directories.users.emailOf({ userId: 'U0BOB', teamId: 'T0FAKE' })).resolves.toBe(
      'bob@example.com',
    );
    expect(fake.callsTo('users.info')[0]!.args.user).toBe('U0BOB');
    await expect(
      directories.users.emailOf({ userId: 'U0HIDDEN', teamId: 'T0FAKE' }),
    ).resolves.toBeUndefined();
    await expect(directories.users.emailOf({ userId: 'U0GHOST', teamId: 'T0FAKE' })).rejects.toThrow(
      'user_not_found',
    );
    fake.failNext('users.info', { status: 503 });
    await expect(directories.users.emailOf({ userId: 'U0BOB', teamId: 'T0FAKE' })).rejects.toMatchObject({
      code: 'chat_unavailable',
      retryable: true,
    });
  });

  it('refuses an empty token at construction', () => {
    expect(() => createSlackDirectories({ token: ' ' })).toThrow('token is empty');
  });
});
