import { ApiException, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aPod, aRestrictedPod, type FakeKubeApi, startFakeKubeApi } from './index.js';

let fake: FakeKubeApi;
let core: CoreV1Api;

beforeEach(async () => {
  fake = await startFakeKubeApi();
  core = fake.makeKubeConfig().makeApiClient(CoreV1Api);
  fake.addPod({
    ...aPod('web-1', 'shop', { volumes: [{ name: 'data', emptyDir: {} }] }),
  });
  fake.addPod({ ...aPod('web-2', 'shop', { initContainers: [{ name: 'init', image: 'busybox:1.36' }] }) });
});
afterEach(() => fake.close());

const base = { name: 'dbg-a', image: 'busybox:1.36', command: ['true'] };

async function patch(body: unknown, type: string = PatchStrategy.StrategicMergePatch, pod = 'web-1') {
  try {
    const res = await core.patchNamespacedPodEphemeralcontainers(
      { name: pod, namespace: 'shop', body },
      setHeaderOptions('Content-Type', type),
    );
    return { code: 200, body: res as unknown as Record<string, unknown> };
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    return { code: error.code, body: JSON.parse(error.body as string) as Record<string, unknown> };
  }
}

function ecPatch(...ecs: object[]) {
  return { spec: { ephemeralContainers: ecs } };
}

describe('PATCH pods/ephemeralcontainers', () => {
  it('adds by strategic merge, applies defaults and bumps resourceVersion; an identical re-send is a no-op', async () => {
    const before = fake.getPod('shop', 'web-1')!.metadata.resourceVersion;
    const first = await patch(ecPatch(base));
    expect(first.code).toBe(200);
    const stored = fake.ephemeralContainers('shop', 'web-1');
    expect(stored).toEqual([
      {
        ...base,
        imagePullPolicy: 'IfNotPresent',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ]);
    expect(
      Number(first.body.metadata && (first.body.metadata as { resourceVersion: string }).resourceVersion),
    ).toBeGreaterThan(Number(before));
    // Let the fake kubelet finish its status updates so only the PATCH could change the object.
    await expect
      .poll(() => fake.getPod('shop', 'web-1')!.status?.ephemeralContainerStatuses?.[0]?.state.terminated)
      .toBeTruthy();
    const after = fake.getPod('shop', 'web-1')!.metadata.resourceVersion;
    const again = await patch(ecPatch(base));
    expect(again.code).toBe(200);
    expect(fake.getPod('shop', 'web-1')!.metadata.resourceVersion).toBe(after);
    expect(fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('defaults imagePullPolicy to Always for :latest and untagged images', async () => {
    await patch(ecPatch({ ...base, image: 'busybox' }, { ...base, name: 'dbg-b', image: 'busybox:latest' }));
    expect(fake.ephemeralContainers('shop', 'web-1').map((c) => c.imagePullPolicy)).toEqual([
      'Always',
      'Always',
    ]);
  });

  it('answers 415 for an unsupported content type and 400 for a JSON patch that is not a list', async () => {
    expect((await patch(ecPatch(base), 'application/json')).code).toBe(415);
    expect((await patch(ecPatch(base), PatchStrategy.JsonPatch)).code).toBe(400);
  });

  it('supports JSON patch add and rejects a merge patch that drops an existing container', async () => {
    const add = [{ op: 'add', path: '/spec/ephemeralContainers', value: [base] }];
    expect((await patch(add, PatchStrategy.JsonPatch)).code).toBe(200);
    const dup = [{ op: 'add', path: '/spec/ephemeralContainers/-', value: base }];
    const duplicate = await patch(dup, PatchStrategy.JsonPatch);
    expect(duplicate.body.message).toBe(
      'Pod "web-1" is invalid: spec.ephemeralContainers[1].name: Duplicate value: "dbg-a"',
    );
    const merge = await patch(ecPatch({ ...base, name: 'dbg-b' }), PatchStrategy.MergePatch);
    expect(merge.code).toBe(422);
    expect(merge.body.message).toBe(
      'Pod "web-1" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg-a" may not be removed\n',
    );
  });

  it('rejects a stale resourceVersion precondition with 409 Conflict', async () => {
    const res = await patch({ metadata: { resourceVersion: '1' }, ...ecPatch(base) });
    expect(res.code).toBe(409);
    expect(res.body).toMatchObject({ reason: 'Conflict', details: { name: 'web-1', kind: 'pods' } });
  });

  it('makes a resourceVersion set by a JSON patch a precondition too (stale → 409)', async () => {
    const ops = [
      { op: 'replace', path: '/metadata/resourceVersion', value: '1' },
      { op: 'add', path: '/spec/ephemeralContainers', value: [base] },
    ];
    expect((await patch(ops, PatchStrategy.JsonPatch)).code).toBe(409);
    expect(fake.ephemeralContainers('shop', 'web-1')).toEqual([]);
  });

  it('takes PUT only as application/json with the name on the URL', async () => {
    // The bot never updates (its RBAC has no `update`); this caller may.
    fake.rbacAllow = [
      ...fake.rbacAllow,
      { apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['update'] },
    ];
    const put = async (body: object, type = 'application/json') => {
      try {
        await core.replaceNamespacedPodEphemeralcontainers(
          { name: 'web-1', namespace: 'shop', body: body as never },
          setHeaderOptions('Content-Type', type),
        );
        return 200;
      } catch (error) {
        return (error as ApiException<unknown>).code;
      }
    };
    const pod = fake.getPod('shop', 'web-1')!;
    const withEc = {
      ...pod,
      metadata: { ...pod.metadata },
      spec: { ...pod.spec, ephemeralContainers: [base] },
    };
    expect(await put({ ...withEc, metadata: { ...pod.metadata, name: 'web-2' } })).toBe(400);
    expect(await put(withEc, PatchStrategy.MergePatch)).toBe(415);
    expect(await put(withEc)).toBe(200);
    expect(fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('returns 404 with details.name for a missing pod, and an empty-details 404 when the subresource is missing', async () => {
    const missing = await patch(ecPatch(base), PatchStrategy.StrategicMergePatch, 'nope');
    expect(missing).toMatchObject({ code: 404, body: { details: { name: 'nope', kind: 'pods' } } });
    await fake.close();
    fake = await startFakeKubeApi({ ephemeralContainers: false });
    core = fake.makeKubeConfig().makeApiClient(CoreV1Api);
    fake.addPod(aPod('web-1', 'shop'));
    const disabled = await patch(ecPatch(base));
    expect(disabled).toMatchObject({ code: 404, body: { reason: 'NotFound', details: {} } });
    expect((disabled.body.details as Record<string, unknown>).name).toBeUndefined();
  });
});

describe('validation rules (422 Invalid)', () => {
  const cases: Array<[string, object, string, string]> = [
    [
      'ports',
      { ports: [{ containerPort: 80 }] },
      'spec.ephemeralContainers[0].ports',
      'Forbidden: cannot be set for an Ephemeral Container',
    ],
    [
      'resources',
      { resources: { limits: { cpu: '1' } } },
      'spec.ephemeralContainers[0].resources',
      'Forbidden: cannot be set for an Ephemeral Container',
    ],
    [
      'readinessProbe',
      { readinessProbe: { exec: { command: ['true'] } } },
      'spec.ephemeralContainers[0].readinessProbe',
      'Forbidden: cannot be set for an Ephemeral Container',
    ],
    [
      'lifecycle',
      { lifecycle: { preStop: { exec: { command: ['true'] } } } },
      'spec.ephemeralContainers[0].lifecycle',
      'Forbidden: cannot be set for an Ephemeral Container',
    ],
    [
      'restartPolicy',
      { restartPolicy: 'Always' },
      'spec.ephemeralContainers[0].restartPolicy',
      'Forbidden: cannot be set for an Ephemeral Container',
    ],
    [
      'bad name',
      { name: 'Dbg_A' },
      'spec.ephemeralContainers[0].name',
      `Invalid value: "Dbg_A": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ],
    ['missing image', { image: '' }, 'spec.ephemeralContainers[0].image', 'Required value'],
    [
      'image whitespace',
      { image: ' busybox:1.36' },
      'spec.ephemeralContainers[0].image',
      'Invalid value: " busybox:1.36": must not have leading or trailing whitespace',
    ],
    [
      'bad pull policy',
      { imagePullPolicy: 'Sometimes' },
      'spec.ephemeralContainers[0].imagePullPolicy',
      'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    ],
    [
      'bad message policy',
      { terminationMessagePolicy: 'Stdout' },
      'spec.ephemeralContainers[0].terminationMessagePolicy',
      'Unsupported value: "Stdout": supported values: "File", "FallbackToLogsOnError"',
    ],
    [
      'name of a regular container',
      { name: 'app' },
      'spec.ephemeralContainers[0].name',
      'Duplicate value: "app"',
    ],
    [
      'unknown target',
      { targetContainerName: 'nope' },
      'spec.ephemeralContainers[0].targetContainerName',
      'Not found: "nope"',
    ],
    [
      'volume not in pod',
      { volumeMounts: [{ name: 'missing', mountPath: '/m' }] },
      'spec.ephemeralContainers[0].volumeMounts[0].name',
      'Not found: "missing"',
    ],
    [
      'subPath',
      { volumeMounts: [{ name: 'data', mountPath: '/d', subPath: 'x' }] },
      'spec.ephemeralContainers[0].volumeMounts[0].subPath',
      'Forbidden: cannot be set for an Ephemeral Container',
    ],
  ];

  it.each(cases)('%s', async (_label, change, field, message) => {
    const res = await patch(ecPatch({ ...base, ...change }));
    expect(res.code).toBe(422);
    expect(res.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      details: { name: 'web-1', kind: 'Pod', causes: [{ field, message }] },
    });
    expect(res.body.message).toBe(`Pod "web-1" is invalid: ${field}: ${message}`);
    expect(fake.ephemeralContainers('shop', 'web-1')).toEqual([]);
  });

  it('accepts a zero-valued resources object', async () => {
    expect((await patch(ecPatch({ ...base, resources: {} }))).code).toBe(200);
  });

  it('accepts init containers as targets and rejects a duplicate mountPath', async () => {
    expect(
      (
        await patch(
          ecPatch({ ...base, targetContainerName: 'init' }),
          PatchStrategy.StrategicMergePatch,
          'web-2',
        )
      ).code,
    ).toBe(200);
    const mounts = [
      { name: 'data', mountPath: '/d' },
      { name: 'data', mountPath: '/d' },
    ];
    const res = await patch(ecPatch({ ...base, volumeMounts: mounts }));
    expect(res.body.message).toBe(
      'Pod "web-1" is invalid: spec.ephemeralContainers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
    );
  });

  it('refuses changes to an existing container and aggregates several errors', async () => {
    await patch(ecPatch(base));
    const changed = await patch(ecPatch({ ...base, image: 'busybox:1.37' }));
    expect(changed.code).toBe(422);
    expect(String(changed.body.message)).toContain(
      'existing ephemeral containers "dbg-a" may not be changed',
    );
    const many = await patch(ecPatch({ ...base, name: 'dbg-c', image: '', ports: [{ containerPort: 1 }] }));
    expect(many.body.message).toBe(
      'Pod "web-1" is invalid: [spec.ephemeralContainers[1].image: Required value, spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container]',
    );
  });
});

describe('Pod Security admission', () => {
  it('denies a non-compliant container in a restricted namespace with a 403 naming the checks', async () => {
    fake.addNamespace('secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    fake.addPod(aRestrictedPod('api-1', 'secure'));
    const send = (ec: object) =>
      core
        .patchNamespacedPodEphemeralcontainers(
          { name: 'api-1', namespace: 'secure', body: ecPatch(ec) },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        )
        .then(() => ({ code: 200, message: '' }))
        .catch((e: ApiException<string>) => ({
          code: e.code,
          message: JSON.parse(e.body).message as string,
        }));
    const denied = await send({ ...base, securityContext: { capabilities: { add: ['SYS_PTRACE'] } } });
    expect(denied.code).toBe(403);
    expect(denied.message).toBe(
      'pods "api-1" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "dbg-a" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "dbg-a" must set securityContext.capabilities.drop=["ALL"]; container "dbg-a" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    );
    const compliant = {
      ...base,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    };
    expect((await send(compliant)).code).toBe(200);
  });

  it('denies added capabilities beyond the default set under baseline', async () => {
    fake.addNamespace('team', { 'pod-security.kubernetes.io/enforce': 'baseline' });
    fake.addPod(aPod('web-3', 'team'));
    const res = await core
      .patchNamespacedPodEphemeralcontainers(
        {
          name: 'web-3',
          namespace: 'team',
          body: ecPatch({ ...base, securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } } }),
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      )
      .catch((e: ApiException<string>) => JSON.parse(e.body) as { message: string });
    expect((res as { message: string }).message).toBe(
      'pods "web-3" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "dbg-a" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)',
    );
  });
});
