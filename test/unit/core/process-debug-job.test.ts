import { describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import { type JobContext, type JobState, processDebugJob } from '../../../src/core/process-debug-job.js';
import {
  anOutcome,
  MemoryAuditLog,
  passThroughTranscript,
  RecordingNotifier,
  ScriptedPodDebugger,
} from '../../fakes/port-fakes.js';
import { aDebugRequest, aSilentLogger } from '../../helpers/builders.js';

const settings = {
  startDeadlineMs: 1000,
  runDeadlineMs: 1000,
  outputCapBytes: 1024,
  maxContainersPerPod: 10,
  defaultProfile: 'general' as const,
};

function aContext(state: JobState = {}, attempt = 1): JobContext {
  return {
    request: aDebugRequest(),
    state,
    async saveState(patch) {
      Object.assign(state, patch);
    },
    attempt,
    maxAttempts: 3,
  };
}

/** The use case's dependencies, with the fakes a test looks at passed in. */
function depsWith(
  notifier: RecordingNotifier,
  podDebugger: ScriptedPodDebugger,
  audit = new MemoryAuditLog(),
) {
  return {
    notifier,
    podDebugger,
    buildTranscript: passThroughTranscript,
    audit,
    logger: aSilentLogger(),
    settings,
  };
}

describe('processDebugJob', () => {
  it('posts the root, runs, posts the transcript and marks the root done', async () => {
    const notifier = new RecordingNotifier();
    const audit = new MemoryAuditLog();
    const pods = new ScriptedPodDebugger(async (plan) => anOutcome(plan));
    const result = await processDebugJob(aContext(), depsWith(notifier, pods, audit));
    expect(result).toEqual({ status: 'succeeded', containerName: 'dbg-rtestrequest1' });
    expect(pods.plans[0]?.containerName).toBe('dbg-rtestrequest1');
    expect(notifier.roots).toHaveLength(1);
    expect(notifier.transcripts).toHaveLength(1);
    expect(notifier.updates.at(-1)).toEqual({ phase: 'done' });
    expect(audit.events()).toEqual(['started', 'container_created', 'finished']);
  });

  it('rethrows a retryable error while attempts remain, reusing the root message', async () => {
    const notifier = new RecordingNotifier();
    const state: JobState = {};
    const failing = new ScriptedPodDebugger(async () => {
      throw new DebugError('api_unavailable', 'The Kubernetes API did not answer.', { retryable: true });
    });
    const deps = depsWith(notifier, failing, new MemoryAuditLog());
    await expect(processDebugJob(aContext(state, 1), deps)).rejects.toMatchObject({
      code: 'api_unavailable',
    });
    expect(state.rootId).toBeDefined();
    const result = await processDebugJob(aContext(state, 3), deps);
    expect(result.status).toBe('failed');
    expect(notifier.roots).toHaveLength(1);
    expect(notifier.transcripts[0]?.reason).toBe('The Kubernetes API did not answer.');
  });

  it('reports a non-retryable failure once, with its human message and no raw error text', async () => {
    const notifier = new RecordingNotifier();
    const audit = new MemoryAuditLog();
    const pods = new ScriptedPodDebugger(async () => {
      throw new DebugError('pod_not_found', 'Pod shop/checkout-7d9f was not found (rescheduled?).', {
        detail: 'HTTP-Code: 404 Body: {...}',
      });
    });
    const result = await processDebugJob(aContext(), depsWith(notifier, pods, audit));
    expect(result.status).toBe('failed');
    expect(notifier.transcripts[0]?.reason).toBe('Pod shop/checkout-7d9f was not found (rescheduled?).');
    expect(notifier.updates.at(-1)?.phase).toBe('failed');
    expect(audit.records.at(-1)).toMatchObject({ event: 'failed', reason: 'pod_not_found' });
  });

  it('does not post the transcript twice when a job is re-run after posting it', async () => {
    const notifier = new RecordingNotifier();
    const state: JobState = { rootId: '1.2', transcriptPosted: true };
    const pods = new ScriptedPodDebugger(async (plan) => anOutcome(plan, { adopted: true }));
    const audit = new MemoryAuditLog();
    await processDebugJob(aContext(state, 2), depsWith(notifier, pods, audit));
    expect(notifier.roots).toHaveLength(0);
    expect(notifier.transcripts).toHaveLength(0);
    expect(audit.events()).toContain('container_adopted');
  });
  it('a re-run after the transcript and its final phase were saved only repeats the final root update', async () => {
    const notifier = new RecordingNotifier();
    const state: JobState = { rootId: '1.2', transcriptPosted: true, finalPhase: 'done' };
    const pods = new ScriptedPodDebugger(async (plan) => anOutcome(plan));
    const result = await processDebugJob(aContext(state, 2), depsWith(notifier, pods, new MemoryAuditLog()));
    expect(result.status).toBe('succeeded');
    expect(pods.plans).toHaveLength(0);
    expect(notifier.transcripts).toHaveLength(0);
    expect(notifier.updates).toEqual([{ phase: 'done' }]);
  });
  it('a cancel while the container is being placed ends as cancelled, naming the container that may exist', async () => {
    const notifier = new RecordingNotifier();
    const audit = new MemoryAuditLog();
    const pods = new ScriptedPodDebugger(async () => {
      throw new DebugError('cancelled', 'The request was cancelled.');
    });
    const result = await processDebugJob(aContext(), depsWith(notifier, pods, audit));
    expect(result.status).toBe('cancelled');
    expect(notifier.updates.at(-1)?.phase).toBe('cancelled');
    expect(notifier.transcripts[0]?.reason).toMatch(/dbg-rtestrequest1 may already have been added/);
    expect(audit.events()).toContain('cancelled');
  });
});
