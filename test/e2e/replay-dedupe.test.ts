import { afterEach, describe, expect, it } from 'vitest';
import { aPod } from '../fakes/kube-apiserver/index.js';
import { postRaw, signSlackRequest, slashCommandBody } from '../helpers/sign-slack-request.js';
import {
  ackOf,
  jobCount,
  newTriggerId,
  patchCount,
  readAudit,
  requestIdOf,
  rootMessages,
  waitForThread,
} from './e2e-helpers.js';
import { SIGNING_SECRET, type System, startSystem } from './start-system.js';

/** One signed `/debug` delivery: the exact bytes and headers, to be POSTed more than once. */
function oneDelivery(system: System, text: string) {
  const body = slashCommandBody({
    text,
    team_id: system.slack.identity.teamId,
    trigger_id: newTriggerId(),
    response_url: system.slack.responseUrl('cmd'),
  });
  const headers = signSlackRequest({ secret: SIGNING_SECRET, body });
  return () => postRaw(system.url('/slack/events'), body, headers);
}

async function expectOneRun(system: System, output: RegExp) {
  const thread = await waitForThread(system, (all) => output.test(all) && /Done/.test(all));
  await new Promise((r) => setTimeout(r, 100)); // room for a second job to show up, if there were one
  expect(await jobCount(system)).toBe(1);
  expect(patchCount(system)).toBe(1);
  expect(system.kube.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  expect(rootMessages(system)).toHaveLength(1);
  expect(thread.replies).toHaveLength(1);
}

describe('TEST-MATRIX row 5: the identical signed slash command delivered twice within 5 s', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  async function start() {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
  }

  it('one after the other: the second ack says "already queued" with the same id; 1 job, 1 container', async () => {
    await start();
    const deliver = oneDelivery(system, 'web-1 -n shop --image busybox:1.36 -- echo replayed-once');
    const first = await deliver();
    const second = await deliver();
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(ackOf(first).text).toMatch(/^Queued as/);
    expect(ackOf(second)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Already queued as `r[a-z0-9]+`; nothing new was started/),
    });
    const requestId = requestIdOf(first);
    expect(requestIdOf(second)).toBe(requestId);
    await expectOneRun(system, /replayed-once/);
    const events = (await readAudit(system)).filter((r) => r.requestId === requestId).map((r) => r.event);
    expect(events.filter((e) => e === 'requested')).toHaveLength(1);
    expect(events.filter((e) => e === 'duplicate')).toHaveLength(1);
  });

  it('both at once: exactly one is queued, the other is told it already is', async () => {
    await start();
    const deliver = oneDelivery(system, 'web-1 -n shop --image busybox:1.36 -- echo raced-once');
    const acks = await Promise.all([deliver(), deliver()]);
    const texts = acks.map((a) => ackOf(a).text).sort();
    expect(texts[0]).toMatch(/^Already queued as/);
    expect(texts[1]).toMatch(/^Queued as/);
    expect(requestIdOf(acks[0]!)).toBe(requestIdOf(acks[1]!));
    await expectOneRun(system, /raced-once/);
  });
});
