import { afterEach, describe, expect, it } from 'vitest';
import { aPod } from '../fakes/kube-apiserver/index.js';
import { jobCount } from './e2e-helpers.js';
import { eventually, type System, startSystem } from './start-system.js';

const CHANNEL = 'C0CHANNEL';

function textOf(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return message ? `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}` : '';
}

/** The root message the worker posted in the channel, and its thread. */
async function waitForThread(system: System, done: (all: string) => boolean, timeoutMs = 10_000) {
  return eventually(() => {
    const root = system.slack.messages.find((m) => m.channel === CHANNEL && !m.threadTs);
    if (!root) return undefined;
    const replies = system.slack.threadReplies(CHANNEL, root.ts);
    const all = [textOf(system.slack.finalMessage(CHANNEL, root.ts)), ...replies.map(textOf)].join('\n');
    return done(all)
      ? { root, replies, all, rootText: textOf(system.slack.finalMessage(CHANNEL, root.ts)) }
      : undefined;
  }, timeoutMs);
}

describe('a /debug request end to end (Bolt HTTP receiver, real Redis, fake Kubernetes and Slack)', () => {
  let system: System;
  afterEach(async () => {
    await system?.stop();
  });

  it('runs the command in an ephemeral container and posts the transcript with its exit code in the thread', async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('checkout-7d9f', 'shop'));

    const ack = await system.command('checkout-7d9f -n shop --image busybox:1.36 -- echo hello-from-debug');
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.text)).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Queued as/),
    });

    const thread = await waitForThread(
      system,
      (all) => /hello-from-debug/.test(all) && /Done|done/.test(all),
    );
    expect(thread.all).toMatch(/exit(ed)?( code)?:? *`?0/i);
    expect(thread.rootText).toMatch(/checkout-7d9f/);
    const ecs = system.kube.ephemeralContainers('shop', 'checkout-7d9f');
    expect(ecs).toHaveLength(1);
    expect(ecs[0]).toMatchObject({
      image: 'busybox:1.36',
      command: ['echo', 'hello-from-debug'],
      targetContainerName: 'app',
    });
    expect(system.kube.count({ verb: 'create', subresource: 'exec' })).toBe(0);
    expect(system.kube.count({ method: 'PATCH', subresource: 'ephemeralcontainers' })).toBe(1);
    expect(await jobCount(system)).toBe(1);
  });

  it('answers a forged signature with 401 and enqueues nothing', async () => {
    system = await startSystem();
    const res = await system.command('web-1 -- ls', {}, { signWith: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(await jobCount(system)).toBe(0);
    expect(system.kube.requests).toHaveLength(0);
    expect(system.slack.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('answers a stale timestamp (older than 5 minutes) with 401', async () => {
    system = await startSystem();
    const res = await system.command('web-1 -- ls', {}, { timestamp: Math.floor(Date.now() / 1000) - 360 });
    expect(res.status).toBe(401);
    expect(await jobCount(system)).toBe(0);
  });

  it('answers malformed text with a usage message naming the problem, and enqueues nothing', async () => {
    system = await startSystem();
    const res = await system.command('web-1 --namespace');
    expect(res.status).toBe(200);
    const reply = JSON.parse(res.text) as { text: string; response_type: string };
    expect(reply.response_type).toBe('ephemeral');
    expect(`${reply.text}${JSON.stringify(reply)}`).toMatch(/namespace/i);
    expect(await jobCount(system)).toBe(0);
    expect(system.kube.requests).toHaveLength(0);
  });

  it('says clearly in the thread when the pod does not exist', async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    await system.command('gone-pod -n shop -- ps');
    const thread = await waitForThread(system, (all) => /not found/i.test(all));
    expect(thread.all).toMatch(/gone-pod/);
    expect(thread.all).not.toMatch(/HTTP-Code|Headers/);
    expect(system.kube.count({ method: 'PATCH' })).toBe(0);
  });

  it('reports the kubelet waiting reason when the image never pulls, within the start deadline', async () => {
    system = await startSystem();
    system.kube.addNamespace('shop');
    system.kube.addPod(aPod('web-1', 'shop'));
    system.kube.setImage('busybox:9.99', {
      waiting: { reason: 'ErrImagePull', message: 'manifest for busybox:9.99 not found' },
    });
    const started = Date.now();
    await system.command('web-1 -n shop --image busybox:9.99 -- ps');
    const thread = await waitForThread(system, (all) => /ErrImagePull/.test(all));
    expect(Date.now() - started).toBeLessThan(system.config.debug.startDeadlineSeconds * 1000 + 3000);
    expect(thread.all).toMatch(/ErrImagePull/);
    expect(system.kube.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });
});
