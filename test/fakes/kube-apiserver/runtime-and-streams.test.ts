import { PassThrough } from 'node:stream';
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  Log,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aPod, aRestrictedPod, type FakeKubeApi, startFakeKubeApi } from './index.js';

let fake: FakeKubeApi;
let core: CoreV1Api;

beforeEach(async () => {
  fake = await startFakeKubeApi();
  core = fake.makeKubeConfig().makeApiClient(CoreV1Api);
  fake.addPod(aPod('web-1', 'shop'));
});
afterEach(() => fake.close());

function addEc(ec: object, pod = 'web-1', namespace = 'shop') {
  return core.patchNamespacedPodEphemeralcontainers(
    { name: pod, namespace, body: { spec: { ephemeralContainers: [{ image: 'busybox:1.36', ...ec }] } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
}

function ecState(name: string, pod = 'web-1', namespace = 'shop') {
  return fake.getPod(namespace, pod)?.status?.ephemeralContainerStatuses?.find((s) => s.name === name)?.state;
}

async function readLog(container: string, options: Record<string, unknown> = {}): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((resolve) => out.on('end', resolve));
  await new Log(fake.makeKubeConfig()).log('shop', 'web-1', container, out, options);
  await ended;
  return Buffer.concat(chunks).toString('utf8');
}

describe('fake kubelet', () => {
  it('runs the argv for real, reports running → terminated with exit code, image id and termination message', async () => {
    const script = 'echo out; echo err >&2; printf "1 3\\n" > "$TERMINATION_LOG"; exit 3';
    const patched = await addEc({ name: 'dbg-a', command: ['sh', '-c', script] });
    expect(patched.status?.ephemeralContainerStatuses ?? []).toEqual([]);
    await expect.poll(() => ecState('dbg-a')?.terminated).toBeTruthy();
    const status = fake.getPod('shop', 'web-1')!.status!.ephemeralContainerStatuses![0]!;
    expect(status).toMatchObject({ ready: false, restartCount: 0, image: 'busybox:1.36' });
    expect(status.imageID).toMatch(/^busybox:1\.36@sha256:[0-9a-f]{64}$/);
    expect(status.state.terminated).toMatchObject({ exitCode: 3, reason: 'Error', message: '1 3\n' });
    expect(fake.containerLog('shop', 'web-1', 'dbg-a').split('\n').sort()).toEqual(['', 'err', 'out']);
    const stamped = await readLog('dbg-a', { timestamps: true });
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (out|err)\n/);
  });

  it('passes arguments literally (no shell) and honours limitBytes', async () => {
    await addEc({ name: 'dbg-b', command: ['echo', '$(id); `id` "q" a  b'] });
    await expect.poll(() => ecState('dbg-b')?.terminated?.exitCode).toBe(0);
    expect(await readLog('dbg-b')).toBe('$(id); `id` "q" a  b\n');
    expect(await readLog('dbg-b', { limitBytes: 4 })).toBe('$(id');
  });

  it('keeps an image that cannot be pulled waiting and answers log requests with 400', async () => {
    fake.setImage('registry.example/missing:1', {
      waiting: [
        { reason: 'ErrImagePull', message: 'rpc error: not found' },
        { reason: 'ImagePullBackOff', message: 'Back-off pulling image' },
      ],
    });
    await addEc({ name: 'dbg-c', image: 'registry.example/missing:1', command: ['true'] });
    await expect.poll(() => ecState('dbg-c')?.waiting?.reason).toBe('ImagePullBackOff');
    const error = await new Log(fake.makeKubeConfig())
      .log('shop', 'web-1', 'dbg-c', new PassThrough())
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(400);
    const last = fake.requests.at(-1)!;
    expect(last.status).toBe(400);
  });

  it('refuses to start a runAsNonRoot container whose image runs as root (CreateContainerConfigError)', async () => {
    fake.addNamespace('secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    fake.addPod(aRestrictedPod('api-1', 'secure'));
    const sc = {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
    await addEc({ name: 'dbg-root', command: ['true'], securityContext: sc }, 'api-1', 'secure');
    await expect
      .poll(() => ecState('dbg-root', 'api-1', 'secure')?.waiting?.reason)
      .toBe('CreateContainerConfigError');
    expect(ecState('dbg-root', 'api-1', 'secure')?.waiting?.message).toContain(
      'container has runAsNonRoot and image will run as root',
    );
    await addEc(
      { name: 'dbg-user', command: ['true'], securityContext: { ...sc, runAsUser: 65534 } },
      'api-1',
      'secure',
    );
    await expect.poll(() => ecState('dbg-user', 'api-1', 'secure')?.terminated?.exitCode).toBe(0);
  });

  it('uses a pluggable runtime and can keep a container running forever', async () => {
    await fake.close();
    fake = await startFakeKubeApi({
      runtime: () => ({ output: 'x'.repeat(10_000), exitCode: 0, durationMs: 5 }),
    });
    core = fake.makeKubeConfig().makeApiClient(CoreV1Api);
    fake.addPod(aPod('web-1', 'shop'));
    await addEc({ name: 'dbg-d', command: ['ignored'] });
    await expect.poll(() => ecState('dbg-d')?.terminated?.exitCode).toBe(0);
    expect(fake.containerLog('shop', 'web-1', 'dbg-d')).toHaveLength(10_000);
    fake.setRunForever((c) => c.name === 'dbg-e');
    await addEc({ name: 'dbg-e', command: ['ignored'] });
    await expect.poll(() => ecState('dbg-e')?.running).toBeTruthy();
  });
});

describe('watch', () => {
  it('streams status changes after the given resourceVersion and ends when the server closes', async () => {
    const patched = await addEc({ name: 'dbg-w', command: ['true'] });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      void new Watch(fake.makeKubeConfig()).watch(
        '/api/v1/namespaces/shop/pods',
        { fieldSelector: 'metadata.name=web-1', resourceVersion: patched.metadata!.resourceVersion },
        (
          type,
          obj: { status?: { ephemeralContainerStatuses?: Array<{ state: Record<string, unknown> }> } },
        ) => {
          const state = obj.status?.ephemeralContainerStatuses?.[0]?.state ?? {};
          seen.push(`${type}:${Object.keys(state)[0] ?? 'none'}`);
          if (state.terminated) resolve();
        },
        () => resolve(),
      );
    });
    await done;
    expect(seen[0]).toMatch(/^MODIFIED:/);
    expect(seen.at(-1)).toBe('MODIFIED:terminated');
    expect(fake.requests.find((r) => r.query.watch === 'true')).toMatchObject({
      attributes: { verb: 'watch', resource: 'pods', name: 'web-1' },
    });
  });
});

describe('RBAC, SubjectAccessReview and faults', () => {
  it('records RBAC attributes and denies what the allow-list lacks with an RBAC-style 403', async () => {
    const error = await core.deleteNamespacedPod({ name: 'web-1', namespace: 'shop' }).catch((e) => e);
    expect((error as ApiException<string>).code).toBe(403);
    expect(JSON.parse((error as ApiException<string>).body).message).toBe(
      'pods "web-1" is forbidden: User "system:serviceaccount:k8s-debug-bot:k8s-debug-bot" cannot delete resource "pods" in API group "" in the namespace "shop"',
    );
    await addEc({ name: 'dbg-r', command: ['true'] });
    expect(
      fake.requests.map((r) => [
        r.attributes.verb,
        r.attributes.resource,
        r.attributes.subresource,
        r.allowed,
      ]),
    ).toEqual([
      ['delete', 'pods', '', false],
      ['patch', 'pods', 'ephemeralcontainers', true],
    ]);
    expect(fake.count({ verb: 'patch', subresource: 'ephemeralcontainers' })).toBe(1);
  });

  it('answers SubjectAccessReviews with 201 and the configured decision', async () => {
    await fake.close();
    fake = await startFakeKubeApi({ subjectAccessReview: (spec) => (spec.user as string) === 'alice' });
    const authz = fake.makeKubeConfig().makeApiClient(AuthorizationV1Api);
    const review = (user: string) =>
      authz.createSubjectAccessReview({
        body: { spec: { user, resourceAttributes: { namespace: 'shop', verb: 'patch', resource: 'pods' } } },
      });
    expect((await review('alice')).status?.allowed).toBe(true);
    expect((await review('mallory')).status?.allowed).toBe(false);
  });

  it('injects canned statuses with headers, a limited number of times', async () => {
    const rule = fake.inject({
      method: 'GET',
      path: /\/pods\/web-1$/,
      times: 1,
      respond: { status: 429, headers: { 'Retry-After': '1' } },
    });
    const error = (await core
      .readNamespacedPod({ name: 'web-1', namespace: 'shop' })
      .catch((e) => e)) as ApiException<string>;
    expect(error.code).toBe(429);
    expect(error.headers['retry-after']).toBe('1');
    expect(JSON.parse(error.body)).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    expect((await core.readNamespacedPod({ name: 'web-1', namespace: 'shop' })).metadata?.name).toBe('web-1');
    expect(rule.hits).toBe(1);
  });

  it('cuts a log stream after N bytes and can hang a request until close', async () => {
    await addEc({
      name: 'dbg-l',
      command: ['sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done'],
    });
    await expect.poll(() => ecState('dbg-l')?.terminated).toBeTruthy();
    fake.inject({ path: /\/log$/, times: 1, respond: 'cut-after-bytes', bytes: 100 });
    const received: Buffer[] = [];
    const res = await fetch(`${fake.url}/api/v1/namespaces/shop/pods/web-1/log?container=dbg-l`, {
      headers: { authorization: 'Bearer t' },
    });
    const reader = res.body!.getReader();
    const outcome = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'clean end';
        received.push(Buffer.from(value));
      }
    })().catch(() => 'connection reset');
    expect(outcome).toBe('connection reset');
    expect(Buffer.concat(received).length).toBe(100);
    expect((await readLog('dbg-l')).length).toBeGreaterThan(1000);
    fake.inject({ method: 'GET', path: /\/pods\/web-1$/, respond: 'hang' });
    const hung = core.readNamespacedPod({ name: 'web-1', namespace: 'shop' }).then(
      () => 'answered',
      () => 'failed',
    );
    const winner = await Promise.race([hung, new Promise((r) => setTimeout(() => r('still waiting'), 100))]);
    expect(winner).toBe('still waiting');
    await fake.close();
    expect(await hung).toBe('failed');
  });

  it('serves tailLines, rejects unknown containers, ends cleanly after N bytes and runs afterResponse hooks', async () => {
    await addEc({ name: 'dbg-t', command: ['sh', '-c', 'echo a; echo b; echo c'] });
    await expect.poll(() => ecState('dbg-t')?.terminated).toBeTruthy();
    expect(await readLog('dbg-t', { tailLines: 2 })).toBe('b\nc\n');
    const seen: Array<number | undefined> = [];
    fake.inject({
      path: /\/log$/,
      times: 1,
      respond: 'end-after-bytes',
      bytes: 3,
      afterResponse: (r) => void seen.push(r.status),
    });
    expect(await readLog('dbg-t')).toBe('a\nb');
    await expect.poll(() => seen).toEqual([200]);
    const res = await fetch(`${fake.url}/api/v1/namespaces/shop/pods/web-1/log?container=nope`, {
      headers: { authorization: 'Bearer t' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(((await res.json()) as { message: string }).message).toBe(
      'container nope is not valid for pod web-1',
    );
  });

  it('sends DELETED to watchers when a pod is deleted', async () => {
    const events: string[] = [];
    const ended = new Promise<void>((resolve) => {
      void new Watch(fake.makeKubeConfig()).watch(
        '/api/v1/namespaces/shop/pods',
        { fieldSelector: 'metadata.name=web-1' },
        (type) => {
          events.push(type);
          if (type === 'DELETED') resolve();
        },
        () => resolve(),
      );
    });
    await expect.poll(() => events).toEqual(['ADDED']);
    fake.deletePod('shop', 'web-1');
    await ended;
    expect(events).toEqual(['ADDED', 'DELETED']);
  });
});
