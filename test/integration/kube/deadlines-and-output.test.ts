import { afterEach, describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { aPlan, callsOf, type KubeKit, runPlan, startKubeKit } from './kube-test-kit.js';

let kit: KubeKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

describe('start and run deadlines', () => {
  it('reports an image pull failure with the kubelet reason well within the start deadline', async () => {
    kit = await startKubeKit();
    kit.fake.setImage('registry.example/missing:1', {
      waiting: {
        reason: 'ErrImagePull',
        message: 'failed to pull image "registry.example/missing:1": not found',
      },
    });
    const started = Date.now();
    const { outcome, progress } = await runPlan(
      kit,
      aPlan({ image: 'registry.example/missing:1' }, { startDeadlineMs: 5_000 }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({
      state: 'start_failed',
      commands: [{ argv: ['echo', 'hello'], output: '', truncated: false }],
    });
    expect(outcome.reason).toBe(
      'The image registry.example/missing:1 could not be pulled (ErrImagePull: failed to pull image "registry.example/missing:1": not found).',
    );
    expect(outcome.notes.join(' ')).toContain('stays in the pod');
    expect(progress).toContainEqual({ phase: 'pulling', detail: 'ContainerCreating' });
  });

  it('gives up on a container that never starts at the start deadline, with one container only', async () => {
    kit = await startKubeKit();
    kit.fake.setImage('busybox:slow', { startDelayMs: 60_000 });
    const { outcome } = await runPlan(kit, aPlan({ image: 'busybox:slow' }, { startDeadlineMs: 300 }));
    expect(outcome).toMatchObject({
      state: 'start_failed',
      reason: 'The debug container did not start within 300 ms (last status: ContainerCreating).',
    });
    expect(kit.fake.count({ method: 'PATCH' })).toBe(1);
    expect(kit.fake.ephemeralContainers('shop', 'web-1')).toHaveLength(1);
  });

  it('stops at the run deadline with the output so far and says the process may still run', async () => {
    kit = await startKubeKit();
    const plan = aPlan(
      {
        commands: [
          ['echo', 'partial'],
          ['sleep', '30'],
          ['echo', 'never'],
        ],
      },
      { runDeadlineMs: 500 },
    );
    const { outcome } = await runPlan(kit, plan);
    expect(outcome.state).toBe('run_timeout');
    expect(outcome.reason).toBe('The command was still running after 500 ms; the output is partial.');
    expect(outcome.commands.map((c) => [c.output, c.exitCode, c.truncated])).toEqual([
      ['partial\n', 0, false],
      ['', undefined, true],
      ['', undefined, true],
    ]);
    expect(outcome.notes.join(' ')).toContain('may still be running in the pod');
  });

  it('a container that keeps running past the deadline as a single command', async () => {
    kit = await startKubeKit();
    kit.fake.setRunForever();
    const { outcome } = await runPlan(kit, aPlan({}, { runDeadlineMs: 300 }));
    expect(outcome).toMatchObject({ state: 'run_timeout', commands: [{ truncated: true }] });
    expect(outcome.commands[0]!.exitCode).toBeUndefined();
  });

  it('reports a pod deleted while waiting for the container as pod_not_found', async () => {
    kit = await startKubeKit();
    kit.fake.setImage('busybox:slow', { startDelayMs: 60_000 });
    const fake = kit.fake;
    const run = kit.debugger.run(aPlan({ image: 'busybox:slow' }), {});
    setTimeout(() => fake.deletePod('shop', 'web-1'), 150);
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DebugError);
    expect((error as DebugError).code).toBe('pod_not_found');
  });
});

describe('reading output', () => {
  const manyLines = ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do echo "line $i"; i=$((i+1)); done; echo end'];

  it('re-reads the log when the read after termination was cut mid-way (row 50)', async () => {
    kit = await startKubeKit();
    kit.fake.inject({
      path: /\/log$/,
      times: 1,
      respond: 'cut-after-bytes',
      bytes: 500,
    });
    const { outcome } = await runPlan(kit, aPlan({ commands: [manyLines, ['echo', 'second']] }));
    expect(outcome.state).toBe('completed');
    const lines = outcome.commands[0]!.output.trimEnd().split('\n');
    expect(lines).toHaveLength(401);
    expect(lines.at(-1)).toBe('end');
    expect(outcome.commands.map((c) => [c.exitCode, c.truncated])).toEqual([
      [0, false],
      [0, false],
    ]);
    expect(callsOf(kit).filter((c) => c === 'get pods/log')).toHaveLength(2);
    // The log is read once the container has ended (never followed), inside the worker's output slot.
    expect(kit.fake.requests.filter((r) => r.path.endsWith('/log')).map((r) => r.query.follow)).toEqual([
      'false',
      'false',
    ]);
  });

  it('re-reads a single command whose log read was cut', async () => {
    kit = await startKubeKit();
    kit.fake.inject({
      path: /\/log$/,
      times: 1,
      respond: 'cut-after-bytes',
      bytes: 300,
    });
    const { outcome } = await runPlan(kit, aPlan({ commands: [manyLines] }));
    expect(outcome.commands[0]).toMatchObject({ exitCode: 0, truncated: false });
    expect(outcome.commands[0]!.output.endsWith('line 399\nend\n')).toBe(true);
  });

  it('retries only the log read when it fails, then still reports exit codes', async () => {
    kit = await startKubeKit();
    kit.fake.inject({ path: /\/log$/, times: 2, respond: { status: 500 } });
    const { outcome } = await runPlan(
      kit,
      aPlan({
        commands: [
          ['echo', 'a'],
          ['sh', '-c', 'exit 4'],
        ],
      }),
    );
    expect(outcome.commands.map((c) => [c.output, c.exitCode])).toEqual([
      ['a\n', 0],
      ['', 4],
    ]);
    expect(kit.fake.count({ method: 'PATCH' })).toBe(1);
  });

  it('cuts output at the cap, marks it truncated and keeps exit codes from the termination message', async () => {
    kit = await startKubeKit();
    const plan = aPlan({ commands: [manyLines, ['sh', '-c', 'exit 5']] }, { outputCapBytes: 2_000 });
    const { outcome } = await runPlan(kit, plan);
    expect(outcome.state).toBe('completed');
    expect(outcome.commands[0]!.truncated).toBe(true);
    expect(outcome.commands[0]!.outputBytes).toBeLessThanOrEqual(2_000);
    expect(outcome.commands[0]!.exitCode).toBe(0);
    expect(outcome.commands[1]).toMatchObject({ exitCode: 5, truncated: true, output: '' });
    expect(outcome.notes).toContain('Output was cut at 2000 bytes.');
    expect(kit.fake.requests.find((r) => r.path.endsWith('/log'))?.query.limitBytes).toBe('2001');
  });

  it('does not call a log that exactly fills the cap truncated (the cap counts kubelet timestamps too)', async () => {
    kit = await startKubeKit();
    const stamp = '2026-11-29T12:00:00.000000000Z '.length;
    const exact = await runPlan(
      kit,
      aPlan({ commands: [['printf', '0123456789']] }, { outputCapBytes: stamp + 10 }),
    );
    expect(exact.outcome.commands[0]).toMatchObject({ output: '0123456789', truncated: false });
    const over = await runPlan(
      kit,
      aPlan({ commands: [['printf', '0123456789X']] }, { outputCapBytes: stamp + 10 }),
    );
    expect(over.outcome.commands[0]).toMatchObject({ output: '0123456789', truncated: true });
  });

  it('keeps memory bounded on a 5 MB output from a pluggable runtime', async () => {
    kit = await startKubeKit({
      fake: { runtime: () => ({ output: `${'x'.repeat(99)}\n`.repeat(50_000), exitCode: 0 }) },
    });
    const { outcome } = await runPlan(kit, aPlan({}, { outputCapBytes: 256 * 1024 }));
    expect(outcome.commands[0]).toMatchObject({ truncated: true, exitCode: 0 });
    expect(outcome.commands[0]!.outputBytes).toBeLessThanOrEqual(256 * 1024);
  });
});
