import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aPod } from '../../fakes/kube-apiserver/index.js';
import { aPlan, callsOf, type KubeKit, runPlan, startKubeKit } from './kube-test-kit.js';

let kit: KubeKit;
beforeEach(async () => {
  kit = await startKubeKit();
});
afterEach(() => kit.close());

describe('running commands in an ephemeral container', () => {
  it('runs one command as the container argv and reports output, exit code and progress', async () => {
    const plan = aPlan({ commands: [['echo', 'hello world']] });
    const { outcome, progress } = await runPlan(kit, plan);
    expect(outcome).toMatchObject({
      state: 'completed',
      containerName: plan.containerName,
      podName: 'web-1',
      namespace: 'shop',
      targetContainer: 'app',
      image: 'busybox:1.36',
      profile: 'general',
      adopted: false,
      ourContainersInPod: 1,
      commands: [
        {
          argv: ['echo', 'hello world'],
          exitCode: 0,
          output: 'hello world\n',
          outputBytes: 12,
          truncated: false,
        },
      ],
    });
    expect(outcome.imageId).toMatch(/^busybox:1\.36@sha256:/);
    expect(outcome.commands[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['creating', 'running', 'collecting']),
    );
    const [ec] = kit.fake.ephemeralContainers('shop', 'web-1');
    expect(ec).toMatchObject({
      name: plan.containerName,
      command: ['echo', 'hello world'],
      targetContainerName: 'app',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePolicy: 'File',
      stdin: false,
      tty: false,
      securityContext: { capabilities: { add: ['SYS_PTRACE'] } },
    });
    expect(ec!.args).toBeUndefined();
    const patch = kit.fake.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
  });

  it('runs three commands with per-command exit codes and durations in at most four API calls', async () => {
    const plan = aPlan({
      profile: 'restricted',
      commands: [
        ['sh', '-c', 'echo one; exit 3'],
        ['echo', 'two'],
        ['sh', '-c', 'sleep 0.3; echo three'],
      ],
    });
    const { outcome } = await runPlan(kit, plan);
    expect(outcome.state).toBe('completed');
    expect(outcome.commands.map((c) => [c.output, c.exitCode, c.truncated])).toEqual([
      ['one\n', 3, false],
      ['two\n', 0, false],
      ['three\n', 0, false],
    ]);
    expect(outcome.commands[2]!.durationMs).toBeGreaterThanOrEqual(250);
    expect(outcome.commands[1]!.durationMs).toBeLessThan(250);
    expect(callsOf(kit)).toEqual([
      'get pods',
      'patch pods/ephemeralcontainers',
      'watch pods',
      'get pods/log',
    ]);
  });

  it('passes shell metacharacters literally, with more than nine arguments', async () => {
    const tricky = ['a;b', '$(id)', '`id`', '"q"', "it's", 'x  y', '|', '&&', '*', '$HOME', '\\n', 'last'];
    const plan = aPlan({
      commands: [
        ['echo', ...tricky],
        ['printf', '%s|', 'no newline'],
      ],
    });
    const { outcome } = await runPlan(kit, plan);
    expect(outcome.commands[0]!.output).toBe(`${tricky.join(' ')}\n`);
    expect(outcome.commands[1]).toMatchObject({ output: 'no newline|', exitCode: 0, truncated: false });
    const ec = kit.fake.ephemeralContainers('shop', 'web-1')[0]!;
    expect(ec.command!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(ec.command!.slice(5)).toEqual(['13', 'echo', ...tricky, '3', 'printf', '%s|', 'no newline']);
  });

  it('reports a missing program as exit code 127 with the shell message', async () => {
    const { outcome } = await runPlan(kit, aPlan({ commands: [['no-such-program-xyz'], ['echo', 'after']] }));
    expect(outcome.commands[0]).toMatchObject({ exitCode: 127, truncated: false });
    expect(outcome.commands[0]!.output).toContain('no-such-program-xyz');
    expect(outcome.commands[1]).toMatchObject({ exitCode: 0, output: 'after\n' });
  });

  it('reports a single command whose program cannot be started as start_failed', async () => {
    const { outcome } = await runPlan(kit, aPlan({ commands: [['no-such-program-xyz']] }));
    expect(outcome.state).toBe('start_failed');
    expect(outcome.reason).toContain('StartError');
  });

  it('follows the namespace Pod Security level when no profile is given, and caches it', async () => {
    kit.fake.addNamespace('secure', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    kit.fake.addPod({
      metadata: { name: 'api-1', namespace: 'secure' },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'app',
            image: 'nginx:1.27',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    });
    const target = { namespace: 'secure', kind: 'pod' as const, name: 'api-1' };
    const first = await runPlan(
      kit,
      aPlan({
        target,
        profile: undefined,
        commands: [
          ['id', '-u'],
          ['echo', 'ok'],
        ],
      }),
    );
    expect(first.outcome).toMatchObject({ state: 'completed', profile: 'restricted' });
    expect(kit.fake.ephemeralContainers('secure', 'api-1')[0]!.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(kit.fake.count({ resource: 'namespaces' })).toBe(1);
    kit.fake.clearRequests();
    await runPlan(kit, aPlan({ target, profile: undefined }));
    expect(callsOf(kit)).toEqual([
      'get pods',
      'patch pods/ephemeralcontainers',
      'watch pods',
      'get pods/log',
    ]);
  });

  it('gives a restricted container on a root-user target a numeric non-root uid so it starts (row 58)', async () => {
    kit.fake.addNamespace('locked', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    kit.fake.addPod({
      metadata: { name: 'db-0', namespace: 'locked' },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'db',
            image: 'postgres:16',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    });
    const { outcome } = await runPlan(
      kit,
      aPlan({ target: { namespace: 'locked', kind: 'pod', name: 'db-0' }, profile: undefined }),
    );
    expect(outcome.state).toBe('completed');
    expect(kit.fake.ephemeralContainers('locked', 'db-0')[0]!.securityContext?.runAsUser).toBe(65534);
  });

  it('resolves a deployment to one of its running pods through ownerReferences', async () => {
    kit.fake.addPod({
      metadata: {
        name: 'checkout-7d9f-abcde',
        namespace: 'shop',
        labels: { app: 'checkout', 'pod-template-hash': '7d9f' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'checkout-7d9f', uid: 'u', controller: true },
        ],
      },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    const { outcome } = await runPlan(
      kit,
      aPlan({ target: { namespace: 'shop', kind: 'deployment', name: 'checkout' } }),
    );
    expect(outcome).toMatchObject({ state: 'completed', podName: 'checkout-7d9f-abcde' });
    const selector = await runPlan(
      kit,
      aPlan({ target: { namespace: 'shop', kind: 'selector', name: 'app=web-1' } }),
    );
    expect(selector.outcome.podName).toBe('web-1');
  });

  it('uses the default-container annotation and targets the named container', async () => {
    kit.fake.addPod({
      ...aPod('multi', 'shop', {
        containers: [
          { name: 'istio-proxy', image: 'proxy:1' },
          { name: 'app', image: 'nginx:1.27' },
        ],
      }),
      metadata: {
        name: 'multi',
        namespace: 'shop',
        annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
      },
    });
    const { outcome } = await runPlan(
      kit,
      aPlan({ target: { namespace: 'shop', kind: 'pod', name: 'multi' } }),
    );
    expect(outcome.targetContainer).toBe('app');
  });

  it('runs 20 concurrent requests on one pod with distinct names: 20 containers, no losses', async () => {
    const plans = Array.from({ length: 20 }, (_, i) =>
      aPlan({
        commands: [
          ['echo', `run-${i}`],
          ['echo', 'done'],
        ],
      }),
    );
    const outcomes = await Promise.all(plans.map((p) => runPlan(kit, p)));
    expect(outcomes.map((o) => o.outcome.state)).toEqual(Array(20).fill('completed'));
    expect(outcomes.map(({ outcome }) => outcome.commands[0]!.output)).toEqual(
      plans.map((_, i) => `run-${i}\n`),
    );
    const names = kit.fake.ephemeralContainers('shop', 'web-1').map((c) => c.name);
    expect(new Set(names).size).toBe(20);
    expect(names.sort()).toEqual(plans.map((p) => p.containerName).sort());
  });
});
