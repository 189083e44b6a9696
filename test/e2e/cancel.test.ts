import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/main/start-app.js';
import { aPod } from '../fakes/kube-apiserver/index.js';
import { inboxPayloads } from '../helpers/redis.js';
import {
  CHANNEL,
  clickAnswers,
  clickCancel,
  command,
  jobSnapshot,
  patchCount,
  REQUESTER,
  readAudit,
  requestIdOf,
  rootMessages,
  startRole,
  textOf,
  waitForJobState,
  waitForThread,
} from './e2e-helpers.js';
import { eventually, type System, startSystem } from './start-system.js';

const OTHER_USER = 'U0SOMEONEELSE';

/** Waits for the root message, and until the worker's state machine shows `phase`. */
function waitForRoot(system: System, phase: RegExp) {
  return eventually(() => {
    const root = rootMessages(system)[0];
    if (!root) return undefined;
    const text = textOf(system.slack.finalMessage(CHANNEL, root.ts));
    return phase.test(text) ? { root, text } : undefined;
  });
}

describe('cancelling a request with the Cancel button (signed block_actions)', () => {
  let system: System;
  let extra: RunningApp | undefined;
  afterEach(async () => {
    await extra?.stop();
    extra = undefined;
    await system?.stop();
  });

  async function startWith(role: 'all' | 'bot' = 'all') {
    system = await startSystem({ role });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
  }

  it('queued: nothing runs, the clicker is told so, and the root message says cancelled', async () => {
    await startWith('bot'); // no worker yet: the request stays in the inbox
    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- echo never-runs');
    const requestId = requestIdOf(ack);
    const inbox = (await inboxPayloads(system.prefix, system.config.queue.name)) as Array<{
      request: { id: string };
    }>;
    expect(inbox.map((data) => data.request.id)).toEqual([requestId]);

    const click = await clickCancel(system, requestId);
    expect(click.status).toBe(200);
    const answer = await eventually(() => clickAnswers(system, REQUESTER).join('\n') || undefined);
    expect(answer).toMatch(/Cancelled before it started; nothing ran/);

    extra = await startRole(system, 'worker');
    const root = await waitForRoot(system, /Cancelled/);
    expect(root.text).toMatch(/nothing ran/);
    expect(root.text).not.toMatch(/debug_cancel/); // a final root carries no Cancel button
    await waitForJobState(system, requestId, ['completed']);
    expect(patchCount(system)).toBe(0);
    expect(system.kube.ephemeralContainers('shop', 'web-1')).toHaveLength(0);
    expect(system.slack.threadReplies(CHANNEL, root.root.ts)).toHaveLength(0);
    const audit = (await readAudit(system)).filter((r) => r.requestId === requestId);
    expect(audit).toContainEqual(
      expect.objectContaining({ event: 'cancelled', reason: 'queued', userId: REQUESTER }),
    );
  });

  it('running (container runs forever): stops waiting, posts the transcript and says it was cancelled', async () => {
    await startWith();
    system.kube.setRunForever();
    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- sleep 3600');
    const requestId = requestIdOf(ack);
    const running = await waitForRoot(system, /Running/);
    expect((await jobSnapshot(system, requestId))?.state).toBe('active');

    await clickCancel(system, requestId, { messageTs: running.root.ts });
    const answer = await eventually(() => clickAnswers(system, REQUESTER).join('\n') || undefined);
    expect(answer).toMatch(/Cancelled: the bot stopped waiting/);
    expect(answer).toMatch(/cannot be killed/);

    const thread = await waitForThread(
      system,
      (all) => /Debug transcript/.test(all) && /\*Cancelled\*/.test(all),
      5000,
    );
    expect(thread.replies).toHaveLength(1);
    expect(textOf(thread.replies[0])).toMatch(/\*cancelled\*/);
    expect(thread.rootText).toMatch(/Cancelled/);
    expect(textOf(thread.replies[0])).toMatch(/no exit code \(did not finish\)/);
    expect(textOf(thread.replies[0])).toMatch(/Why:\* Cancelled while the command was running/);
    expect(patchCount(system)).toBe(1);
    const job = await waitForJobState(system, requestId, ['completed', 'failed']);
    expect(job.returnvalue).toMatchObject({ status: 'cancelled' });
    const audit = (await readAudit(system)).filter((r) => r.requestId === requestId);
    expect(audit).toContainEqual(expect.objectContaining({ event: 'cancelled', reason: 'running' }));
  });

  it('running with output: the transcript keeps what was collected before the cancel', async () => {
    await startWith();
    const ack = await command(
      system,
      "web-1 -n shop --image busybox:1.36 -- sh -c 'echo collected-before-cancel; exec sleep 30'",
    );
    const requestId = requestIdOf(ack);
    const running = await waitForRoot(system, /Running/);
    await eventually(() =>
      /collected-before-cancel/.test(system.kube.containerLog('shop', 'web-1', `dbg-${requestId}`)),
    );

    await clickCancel(system, requestId, { messageTs: running.root.ts });
    const thread = await waitForThread(
      system,
      (all) => /Debug transcript/.test(all) && /\*Cancelled\*/.test(all),
      5000,
    );
    const transcript = thread.replies.map(textOf).join('\n');
    expect(transcript).toMatch(/collected-before-cancel/);
    expect(transcript).toMatch(/\*cancelled\*/);
    expect(thread.rootText).toMatch(/Cancelled/);
  });

  it("refuses someone else's click and changes nothing", async () => {
    await startWith();
    system.kube.setRunForever();
    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- sleep 3600');
    const requestId = requestIdOf(ack);
    const running = await waitForRoot(system, /Running/);

    await clickCancel(system, requestId, { userId: OTHER_USER, messageTs: running.root.ts });
    const answer = await eventually(() => clickAnswers(system, OTHER_USER).join('\n') || undefined);
    expect(answer).toMatch(/Not cancelled: Only the person who asked/);
    expect(clickAnswers(system, REQUESTER)).toHaveLength(0);

    // Nothing changed: still running, no transcript, no cancel flag, audit says refused.
    await new Promise((r) => setTimeout(r, 150));
    expect((await jobSnapshot(system, requestId))?.state).toBe('active');
    expect(textOf(system.slack.finalMessage(CHANNEL, running.root.ts))).toMatch(/Running/);
    expect(system.slack.threadReplies(CHANNEL, running.root.ts)).toHaveLength(0);
    const audit = (await readAudit(system)).filter((r) => r.requestId === requestId);
    expect(audit).toContainEqual(
      expect.objectContaining({ event: 'cancel_refused', reason: 'not_requester', userId: OTHER_USER }),
    );
    expect(audit.map((r) => r.event)).not.toContain('cancelled');
    expect(patchCount(system)).toBe(1);

    // The requester can still cancel it afterwards (the refused click left the request intact).
    await clickCancel(system, requestId, { messageTs: running.root.ts });
    await waitForThread(system, (all) => /Debug transcript/.test(all) && /\*cancelled\*/.test(all), 5000);
  });

  it('after it finished: "already finished", and the message stays as it was', async () => {
    await startWith();
    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- echo finished-first');
    const requestId = requestIdOf(ack);
    const thread = await waitForThread(system, (all) => /finished-first/.test(all) && /Done/.test(all));
    await waitForJobState(system, requestId, ['completed']);
    const updatesBefore = thread.root.updates.length;

    await clickCancel(system, requestId, { messageTs: thread.root.ts });
    const answer = await eventually(() => clickAnswers(system, REQUESTER).join('\n') || undefined);
    expect(answer).toMatch(/already finished/);
    expect(thread.root.updates).toHaveLength(updatesBefore);
    expect(system.slack.threadReplies(CHANNEL, thread.root.ts)).toHaveLength(1);
    expect(textOf(system.slack.finalMessage(CHANNEL, thread.root.ts))).toMatch(/Done/);
  });

  // Regression: a job waiting for its retry after an attempt added the container must not be reported as
  // "nothing ran" when cancelled; the thread names the container that may have run.
  it('while a retry is pending after the container was added: never claims that nothing ran', async () => {
    system = await startSystem({
      tweak: (c) => {
        c.worker.backoffMs = 3000;
      },
    });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    system.kube.inject({
      method: 'GET',
      path: '/api/v1/namespaces/shop/pods',
      query: { watch: 'true' },
      times: 3,
      respond: { status: 500 },
    });
    const requestId = requestIdOf(
      await command(system, 'web-1 -n shop --image busybox:1.36 -- echo ran-in-attempt-1'),
    );
    await waitForJobState(system, requestId, ['delayed']);
    expect(system.kube.containerLog('shop', 'web-1', `dbg-${requestId}`)).toMatch(/ran-in-attempt-1/);

    await clickCancel(system, requestId);
    const answer = await eventually(() => clickAnswers(system, REQUESTER).join('\n') || undefined);
    await waitForJobState(system, requestId, ['completed', 'failed'], 8000);
    const root = rootMessages(system)[0]!;
    const thread = [
      textOf(system.slack.finalMessage(CHANNEL, root.ts)),
      ...system.slack.threadReplies(CHANNEL, root.ts).map(textOf),
    ].join('\n');
    expect(patchCount(system)).toBe(1);
    expect(answer).not.toMatch(/nothing ran/);
    expect(thread).not.toMatch(/nothing ran/);
    expect(thread).toMatch(new RegExp(`dbg-${requestId}`));
  });

  // I5: every refused click is audited, including "already finished".
  it('a refused click on a finished request is audited (I5)', async () => {
    await startWith();
    const requestId = requestIdOf(
      await command(system, 'web-1 -n shop --image busybox:1.36 -- echo finished-first'),
    );
    await waitForJobState(system, requestId, ['completed']);
    await clickCancel(system, requestId);
    await eventually(() => clickAnswers(system, REQUESTER).join('\n') || undefined);
    const audit = (await readAudit(system)).filter((r) => r.requestId === requestId);
    expect(audit).toContainEqual(expect.objectContaining({ event: 'cancel_refused', userId: REQUESTER }));
  });
});
