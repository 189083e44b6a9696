import { afterEach, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../src/main/start-app.js';
import { aPod } from '../fakes/kube-apiserver/index.js';
import {
  CHANNEL,
  command,
  jobSnapshot,
  patchCount,
  readAudit,
  requestIdOf,
  rootMessages,
  startRole,
  waitForJobState,
  waitForThread,
} from './e2e-helpers.js';
import { spawnWorker, type WorkerChild } from './spawn-worker.js';
import { type System, startSystem } from './start-system.js';

/** I1 + I2 after a retried job: one PATCH, one container, one root message, one transcript reply. */
async function expectOneOfEverything(system: System, requestId: string, output: RegExp) {
  const thread = await waitForThread(system, (all) => output.test(all) && /Done/.test(all));
  expect(patchCount(system)).toBe(1);
  expect(system.kube.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  expect(rootMessages(system)).toHaveLength(1);
  expect(system.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === undefined)).toHaveLength(
    1,
  );
  expect(thread.replies).toHaveLength(1);
  expect(thread.replies[0]!.text).toMatch(/Debug transcript/);
  expect(thread.all).toMatch(output);
  expect(thread.all).toMatch(/exit 0/);
  // The retry adopted the container the first attempt added, and says so.
  expect(thread.all).toMatch(/Reused the debug container dbg-/);
  const job = await waitForJobState(system, requestId, ['completed']);
  expect(job.attemptsMade).toBeGreaterThanOrEqual(1);
  expect(job.returnvalue).toMatchObject({ status: 'succeeded' });
  const events = (await readAudit(system)).filter((r) => r.requestId === requestId).map((r) => r.event);
  expect(events.filter((e) => e === 'started').length).toBeGreaterThanOrEqual(2);
  expect(events).toContain('container_adopted');
  expect(events).not.toContain('container_created');
  expect(events.at(-1)).toBe('finished');
  return thread;
}

describe('a job that BullMQ retries after the PATCH went through', () => {
  let system: System;
  let children: WorkerChild[] = [];
  let extra: RunningApp | undefined;
  afterEach(async () => {
    for (const child of children) await child.stop();
    children = [];
    await extra?.stop();
    extra = undefined;
    await system?.stop();
  });

  it('adopts the container when the pod watch fails (500) more often than the watcher retries', async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    // The watcher reconnects twice after a failure and gives up on the third: the attempt fails retryably.
    const watchFault = system.kube.inject({
      method: 'GET',
      path: '/api/v1/namespaces/shop/pods',
      query: { watch: 'true' },
      times: 3,
      respond: {
        status: 500,
        body: { kind: 'Status', status: 'Failure', code: 500, reason: 'InternalError' },
      },
    });

    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- echo retried-output-7f3');
    const requestId = requestIdOf(ack);
    await expectOneOfEverything(system, requestId, /retried-output-7f3/);
    expect(watchFault.hits).toBe(3);
    const job = await jobSnapshot(system, requestId);
    expect(job?.attemptsMade).toBe(2);
    // The retry read the pod again instead of patching.
    const afterPatch = system.kube.requests.slice(
      system.kube.requests.findIndex((r) => r.method === 'PATCH') + 1,
    );
    expect(
      afterPatch.some((r) => r.method === 'GET' && r.path === '/api/v1/namespaces/shop/pods/web-1'),
    ).toBe(true);
  });

  it('adopts the container when the PATCH took effect but its answer never came (client timeout)', async () => {
    system = await startSystem({
      tweak: (c) => {
        c.debug.kubeRequestTimeoutMs = 400;
      },
    });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    // "It worked but the reply was lost": the PATCH is applied, then the connection hangs (row 45).
    const patchFault = system.kube.inject({
      method: 'PATCH',
      path: /\/ephemeralcontainers$/,
      times: 1,
      apply: true,
      respond: 'hang',
    });

    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- echo after-lost-reply');
    const requestId = requestIdOf(ack);
    const thread = await expectOneOfEverything(system, requestId, /after-lost-reply/);
    expect(patchFault.hits).toBe(1);
    expect(thread.all).not.toMatch(/HTTP-Code|Headers|stack/);
    expect(system.slack.messages.filter((m) => m.channel === CHANNEL)).toHaveLength(2);
  });

  it('row 31: a worker process SIGKILLed right after its PATCH was answered; a second worker adopts', async () => {
    const fastStall = (c: System['config']) => {
      c.worker.lockDurationMs = 1000;
      c.worker.stalledIntervalMs = 100;
    };
    system = await startSystem({ role: 'bot', tweak: fastStall });
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    const first = await spawnWorker(system);
    children.push(first);
    system.kube.inject({
      method: 'PATCH',
      path: /\/ephemeralcontainers$/,
      times: 1,
      afterResponse: () => first.kill(),
    });

    const ack = await command(system, 'web-1 -n shop --image busybox:1.36 -- echo survived-the-kill');
    const requestId = requestIdOf(ack);
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(patchCount(system)).toBe(1);
    expect((await jobSnapshot(system, requestId))?.state).toBe('active'); // held by a dead worker

    // A second worker notices the stalled job once the dead worker's 1 s lock lapses, and re-runs it.
    extra = await startRole(system, 'worker', fastStall);
    await expectOneOfEverything(system, requestId, /survived-the-kill/);
    const job = await jobSnapshot(system, requestId);
    expect(job?.stalledCounter).toBe(1);
    expect(job?.attemptsMade).toBe(1);
  });
});
