import { afterEach, describe, expect, it } from 'vitest';
import { aPod } from '../fakes/kube-apiserver/index.js';
import {
  CHANNEL,
  ephemeralsTo,
  jobCount,
  mention,
  patchCount,
  REQUESTER,
  readAudit,
  rootMessages,
  textOf,
} from './e2e-helpers.js';
import { eventually, type System, startSystem } from './start-system.js';

/** The thread the user typed in (its parent was posted by someone else, long ago). */
const THREAD_TS = '1699999000.000100';

/** The messages in THREAD_TS, once `done(all)` holds for their combined text. */
function waitForMentionThread(system: System, done: (all: string) => boolean) {
  return eventually(() => {
    const inThread = system.slack.messages.filter((m) => m.channel === CHANNEL && m.threadTs === THREAD_TS);
    const texts = inThread.map((m) => textOf(system.slack.finalMessage(CHANNEL, m.ts)));
    return inThread.length > 0 && done(texts.join('\n')) ? { inThread, texts } : undefined;
  });
}

describe('@bot debug … typed in a thread (signed event_callback app_mention)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('answers in that thread and treats a redelivered event (same event_id, X-Slack-Retry-Num) as the same request', async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    const bot = system.slack.identity.botUserId;
    const event = {
      text: `<@${bot}> debug web-1 -n shop -- echo hi`,
      user: REQUESTER,
      channel: CHANNEL,
      ts: '1699999500.000200',
      thread_ts: THREAD_TS,
    };
    const envelope = { eventId: 'Ev0THREADMENTION1', teamId: system.slack.identity.teamId };

    const first = await mention(system, event, envelope);
    expect(first.status).toBe(200);
    const queued = await eventually(() => ephemeralsTo(system, REQUESTER).find((t) => /Queued as/.test(t)));
    expect(queued).toMatch(/Queued as `r[a-z0-9]+`/);
    const ephemeral = system.slack.callsTo('chat.postEphemeral')[0]!;
    expect(ephemeral.args).toMatchObject({ channel: CHANNEL, user: REQUESTER, thread_ts: THREAD_TS });

    // Slack did not see the 200 in time and delivers the same event again, while the job runs.
    const redelivered = await mention(system, event, envelope, 1);
    expect(redelivered.status).toBe(200);

    const thread = await waitForMentionThread(
      system,
      (all) => /Debug transcript/.test(all) && /Done/.test(all) && /\bhi\b/.test(all),
    );
    // Root message and transcript both in THAT thread; nothing at top level of the channel.
    expect(thread.inThread).toHaveLength(2);
    expect(thread.texts[0]).toMatch(/Debug request/);
    expect(thread.texts[0]).toMatch(/Done/);
    expect(thread.texts[1]).toMatch(/Debug transcript/);
    expect(thread.texts[1]).toMatch(/exit 0/);
    expect(rootMessages(system)).toHaveLength(0);

    // A later redelivery (retry 2) after the job finished is still the same request.
    const late = await mention(system, event, envelope, 2);
    expect(late.status).toBe(200);
    await new Promise((r) => setTimeout(r, 150));

    expect(patchCount(system)).toBe(1);
    expect(system.kube.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
    expect(await jobCount(system)).toBe(1);
    expect(system.slack.messages.filter((m) => m.channel === CHANNEL)).toHaveLength(2);
    // The redeliveries are not answered at all (the first delivery already was).
    expect(system.slack.callsTo('chat.postEphemeral')).toHaveLength(1);
    const events = (await readAudit(system)).map((r) => r.event);
    expect(events.filter((e) => e === 'requested')).toHaveLength(1);
    expect(events.filter((e) => e === 'duplicate')).toHaveLength(2);
  });
});
