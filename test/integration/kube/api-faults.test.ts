import { afterEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { aPod, aRestrictedPod } from '../../fakes/kube-apiserver/index.js';
import { aPlan, callsOf, type KubeKit, runPlan, startKubeKit } from './kube-test-kit.js';

let kit: KubeKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

async function failure(promise: Promise<unknown>): Promise<DebugError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DebugError);
  return error as DebugError;
}

const PATCH = { method: 'PATCH', path: /\/ephemeralcontainers$/ };

describe('pod and cluster problems before anything runs', () => {
  it('pod not found: terminal, one call, no PATCH', async () => {
    kit = await startKubeKit();
    const error = await failure(
      kit.debugger.run(aPlan({ target: { namespace: 'shop', kind: 'pod', name: 'gone-1' } }), {}),
    );
    expect(error).toMatchObject({ code: 'pod_not_found', retryable: false });
    expect(error.userMessage).toBe('Pod shop/gone-1 was not found; it may have been deleted or rescheduled.');
    expect(callsOf(kit)).toEqual(['get pods']);
  });

  it('pod not running and unknown target container are terminal and list the valid containers', async () => {
    kit = await startKubeKit();
    kit.fake.addPod({ ...aPod('pending-1', 'shop'), status: { phase: 'Pending' } });
    const pending = await failure(
      kit.debugger.run(aPlan({ target: { namespace: 'shop', kind: 'pod', name: 'pending-1' } }), {}),
    );
    expect(pending).toMatchObject({ code: 'pod_not_running', retryable: false });
    kit.fake.addPod(
      aPod('two', 'shop', {
        containers: [
          { name: 'app', image: 'a:1' },
          { name: 'sidecar', image: 'b:1' },
        ],
      }),
    );
    const plan = aPlan({ target: { namespace: 'shop', kind: 'pod', name: 'two', container: 'nope' } });
    const error = await failure(kit.debugger.run(plan, {}));
    expect(error.code).toBe('target_container_not_found');
    expect(error.userMessage).toBe('Container "nope" is not in pod shop/two. Choose one of: app, sidecar.');
    expect(kit.fake.count({ method: 'PATCH' })).toBe(0);
  });

  it('ephemeral containers disabled: 404 with empty details becomes its own terminal error', async () => {
    kit = await startKubeKit({ fake: { ephemeralContainers: false } });
    const error = await failure(kit.debugger.run(aPlan(), {}));
    expect(error).toMatchObject({ code: 'ephemeral_containers_disabled', retryable: false });
    expect(error.userMessage).toContain('Ephemeral containers are not enabled on this cluster');
  });

  it('RBAC 403 and Pod Security 403 give distinct messages without raw bodies', async () => {
    kit = await startKubeKit();
    kit.fake.rbacAllow = kit.fake.rbacAllow.filter((r) => !r.resources.includes('pods/ephemeralcontainers'));
    const rbac = await failure(kit.debugger.run(aPlan(), {}));
    expect(rbac).toMatchObject({ code: 'forbidden_rbac', retryable: false });
    expect(rbac.userMessage).toBe(
      "The bot's service account is not allowed to add ephemeral containers to pods (patch pods/ephemeralcontainers) in namespace shop. A cluster admin must grant it (see deploy/rbac.yaml).",
    );
    await kit.close();

    // Namespace labels unreadable, so the pre-check cannot refuse: Pod Security admission answers instead.
    kit = await startKubeKit();
    kit.fake.rbacAllow = kit.fake.rbacAllow.filter((r) => !r.resources.includes('namespaces'));
    kit.fake.addNamespace('secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    kit.fake.addPod(aRestrictedPod('api-1', 'secure'));
    const psa = await failure(
      kit.debugger.run(aPlan({ target: { namespace: 'secure', kind: 'pod', name: 'api-1' } }), {}),
    );
    expect(psa).toMatchObject({ code: 'forbidden_pod_security', retryable: false });
    expect(psa.userMessage).toBe(
      'Pod Security "restricted:latest" in namespace secure rejected the debug container (allowPrivilegeEscalation != false, unrestricted capabilities). Try --profile restricted.',
    );
    expect(psa.userMessage).not.toContain('must set');
    expect(kit.fake.requests.at(-1)?.status).toBe(403);
  });

  it('refuses before PATCH a profile the namespace level forbids', async () => {
    kit = await startKubeKit();
    kit.fake.addNamespace('team', { 'pod-security.kubernetes.io/enforce': 'baseline' });
    kit.fake.addPod(aPod('web-9', 'team'));
    const plan = aPlan({ target: { namespace: 'team', kind: 'pod', name: 'web-9' }, profile: 'netadmin' });
    const error = await failure(kit.debugger.run(plan, {}));
    expect(error).toMatchObject({ code: 'policy_denied', retryable: false });
    expect(error.userMessage).toBe(
      'Namespace team enforces Pod Security "baseline", which forbids the netadmin profile (it adds the NET_ADMIN and NET_RAW capabilities). Use --profile baseline or restricted.',
    );
    expect(kit.fake.count({ method: 'PATCH' })).toBe(0);
  });

  it('refuses when the bot already added the maximum number of containers to the pod', async () => {
    kit = await startKubeKit();
    for (let i = 0; i < 2; i++) await runPlan(kit, aPlan());
    kit.fake.clearRequests();
    const error = await failure(kit.debugger.run(aPlan({}, { maxContainersPerPod: 2 }), {}));
    expect(error).toMatchObject({ code: 'container_cap_reached', retryable: false });
    expect(kit.fake.count({ method: 'PATCH' })).toBe(0);
  });
});

describe('conflicts, throttling and hangs', () => {
  it('409 after the PATCH took effect: re-read and adopt, exactly one container', async () => {
    kit = await startKubeKit();
    kit.fake.inject({ ...PATCH, times: 1, apply: true, respond: { status: 409 } });
    const { outcome } = await runPlan(
      kit,
      aPlan({
        profile: 'restricted',
        commands: [
          ['echo', 'x'],
          ['echo', 'y'],
        ],
      }),
    );
    expect(outcome).toMatchObject({ state: 'completed', adopted: true });
    expect(outcome.commands.map((c) => c.output)).toEqual(['x\n', 'y\n']);
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
    expect(callsOf(kit).slice(0, 3)).toEqual(['get pods', 'patch pods/ephemeralcontainers', 'get pods']);
  });

  it('409 before the PATCH took effect: re-read, one more PATCH, exactly one container', async () => {
    kit = await startKubeKit();
    kit.fake.inject({ ...PATCH, times: 1, respond: { status: 409 } });
    const { outcome } = await runPlan(kit, aPlan());
    expect(outcome).toMatchObject({ state: 'completed', adopted: false });
    expect(kit.fake.count({ method: 'PATCH' })).toBe(2);
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('422 Duplicate for our name: re-read and adopt', async () => {
    kit = await startKubeKit();
    const plan = aPlan();
    const duplicate = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Pod "web-1" is invalid: spec.ephemeralContainers[0].name: Duplicate value: "${plan.containerName}"`,
      reason: 'Invalid',
      details: {
        name: 'web-1',
        kind: 'Pod',
        causes: [
          {
            reason: 'FieldValueDuplicate',
            message: `Duplicate value: "${plan.containerName}"`,
            field: 'spec.ephemeralContainers[0].name',
          },
        ],
      },
      code: 422,
    };
    kit.fake.inject({ ...PATCH, times: 1, apply: true, respond: { status: 422, body: duplicate } });
    const { outcome } = await runPlan(kit, plan);
    expect(outcome).toMatchObject({
      state: 'completed',
      adopted: true,
      commands: [{ output: 'hello\n', exitCode: 0 }],
    });
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('another attempt added the same name with a different nonce (422 may not be changed): adopt it', async () => {
    kit = await startKubeKit();
    const plan = aPlan({
      commands: [
        ['echo', 'a'],
        ['echo', 'b'],
      ],
    });
    const first = kit.debugger.run(plan, {});
    const second = kit.debugger.run(plan, {});
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map((o) => o.state)).toEqual(['completed', 'completed']);
    expect(outcomes.map((o) => o.commands.map((c) => c.output))).toEqual([
      ['a\n', 'b\n'],
      ['a\n', 'b\n'],
    ]);
    expect(outcomes.filter((o) => o.adopted)).toHaveLength(1);
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('429 with Retry-After twice, then success: waits as told and adds exactly one container', async () => {
    kit = await startKubeKit();
    kit.fake.inject({ ...PATCH, times: 2, respond: { status: 429, headers: { 'Retry-After': '1' } } });
    const { outcome } = await runPlan(kit, aPlan());
    expect(outcome.state).toBe('completed');
    expect(kit.sleeps).toEqual([1000, 1000]);
    expect(kit.fake.count({ method: 'PATCH' })).toBe(3);
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('503 that does not stop: gives up after 3 retries with a retryable error carrying Retry-After', async () => {
    kit = await startKubeKit();
    kit.fake.inject({
      method: 'GET',
      path: '/api/v1/namespaces/shop/pods/web-1',
      respond: { status: 503, headers: { 'Retry-After': '7' } },
    });
    const error = await failure(kit.debugger.run(aPlan(), {}));
    expect(error).toMatchObject({ code: 'api_unavailable', retryable: true, retryAfterSeconds: 7 });
    expect(kit.sleeps).toEqual([7000, 7000, 7000]);
    expect(kit.fake.count()).toBe(4);
  });

  it('API hangs on the PATCH: retryable timeout; the retry adopts with no second PATCH', async () => {
    kit = await startKubeKit({ debugger: { requestTimeoutMs: 300 } });
    const plan = aPlan({
      commands: [
        ['echo', 'once'],
        ['echo', 'twice'],
      ],
    });
    const hang = kit.fake.inject({ ...PATCH, apply: true, respond: 'hang' });
    const started = Date.now();
    const error = await failure(kit.debugger.run(plan, {}));
    expect(error).toMatchObject({ code: 'api_timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(2_000);
    hang.remove();
    kit.fake.clearRequests();
    const { outcome } = await runPlan(kit, plan);
    expect(outcome).toMatchObject({ state: 'completed', adopted: true });
    expect(outcome.commands.map((c) => c.output)).toEqual(['once\n', 'twice\n']);
    expect(kit.fake.count({ method: 'PATCH' })).toBe(0);
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('API that accepts the connection but never answers the GET: bounded, retryable', async () => {
    kit = await startKubeKit({ debugger: { requestTimeoutMs: 200 } });
    kit.fake.inject({ method: 'GET', respond: 'hang' });
    const error = await failure(kit.debugger.run(aPlan(), {}));
    expect(error).toMatchObject({ code: 'api_timeout', retryable: true });
  });

  it('a connection reset is a retryable api_unavailable', async () => {
    kit = await startKubeKit();
    kit.fake.inject({ method: 'GET', times: 1, respond: 'close' });
    const error = await failure(kit.debugger.run(aPlan(), {}));
    expect(error).toMatchObject({ code: 'api_unavailable', retryable: true });
  });

  it('cancel before anything ran throws cancelled; cancel while running returns a cancelled outcome', async () => {
    kit = await startKubeKit();
    const aborted = AbortSignal.abort();
    expect((await failure(kit.debugger.run(aPlan(), { signal: aborted }))).code).toBe('cancelled');
    const controller = new AbortController();
    const run = runPlan(
      kit,
      aPlan({
        commands: [
          ['echo', 'started'],
          ['sleep', '30'],
        ],
      }),
      controller.signal,
    );
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    const { outcome } = await run;
    expect(outcome.state).toBe('cancelled');
    expect(outcome.commands[0]).toMatchObject({ output: 'started\n', exitCode: 0 });
  });
});
