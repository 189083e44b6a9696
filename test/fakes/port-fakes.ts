import type { DebugOutcome, DebugRequest, RequestStatus, Transcript } from '../../src/core/model.js';
import type {
  AuditLog,
  AuditRecord,
  ChatNotifier,
  DebugPlan,
  EnqueueResult,
  JobQueue,
  PodDebugger,
  TranscriptInput,
} from '../../src/core/ports.js';

/** In-memory audit sink for unit tests. */
export class MemoryAuditLog implements AuditLog {
  readonly records: Array<Omit<AuditRecord, 'at'>> = [];
  async record(record: Omit<AuditRecord, 'at'>): Promise<void> {
    this.records.push(record);
  }
  events(): string[] {
    return this.records.map((r) => r.event);
  }
}

/** JobQueue fake with the real dedupe and audit contract; `failWith` simulates an outage. */
export class MemoryJobQueue implements JobQueue {
  readonly jobs: DebugRequest[] = [];
  failWith?: Error;
  /** Where the `requested` record of a new job goes (the real queue writes it with the job). */
  constructor(private readonly audit?: AuditLog) {}
  async enqueue(request: DebugRequest, audit?: Omit<AuditRecord, 'at' | 'event'>): Promise<EnqueueResult> {
    if (this.failWith) throw this.failWith;
    if (this.jobs.some((j) => j.id === request.id)) return { status: 'duplicate' };
    this.jobs.push(request);
    if (!audit || !this.audit) return { status: 'queued', audited: false };
    await this.audit.record({ ...audit, event: 'requested' });
    return { status: 'queued', audited: true };
  }
}

/** ChatNotifier fake that records what would have been posted. */
export class RecordingNotifier implements ChatNotifier {
  readonly roots: DebugRequest[] = [];
  readonly updates: RequestStatus[] = [];
  readonly transcripts: Transcript[] = [];
  async postRoot(request: DebugRequest): Promise<string> {
    this.roots.push(request);
    return `1700000000.${String(this.roots.length).padStart(6, '0')}`;
  }
  async updateRoot(_request: DebugRequest, _rootId: string, status: RequestStatus): Promise<void> {
    this.updates.push(status);
  }
  async postTranscript(_request: DebugRequest, _rootId: string, transcript: Transcript): Promise<void> {
    this.transcripts.push(transcript);
  }
}

/** PodDebugger fake driven by a script function. */
export class ScriptedPodDebugger implements PodDebugger {
  readonly plans: DebugPlan[] = [];
  constructor(private readonly script: (plan: DebugPlan, call: number) => Promise<DebugOutcome>) {}
  async run(plan: DebugPlan): Promise<DebugOutcome> {
    this.plans.push(plan);
    return this.script(plan, this.plans.length);
  }
}

/** Minimal transcript builder (the real one lives in src/transcript). */
export async function passThroughTranscript(input: TranscriptInput): Promise<Transcript> {
  const o = input.outcome;
  return {
    requestId: input.request.id,
    requester: input.request.requester,
    approvers: [],
    namespace: input.request.target.namespace,
    pod: o?.podName ?? input.request.target.name,
    targetContainer: o?.targetContainer ?? '',
    image: input.request.image,
    profile: o?.profile ?? 'general',
    containerName: o?.containerName ?? '',
    commands: (o?.commands ?? []).map((c) => ({ ...c })),
    outcome: o && o.state === 'completed' ? 'succeeded' : 'failed',
    ...(input.failure ? { reason: input.failure } : {}),
    redactions: 0,
    ourContainersInPod: o?.ourContainersInPod ?? 0,
    notes: [],
  };
}

export function anOutcome(plan: DebugPlan, overrides: Partial<DebugOutcome> = {}): DebugOutcome {
  return {
    containerName: plan.containerName,
    podName: plan.request.target.name,
    namespace: plan.request.target.namespace,
    targetContainer: 'app',
    image: plan.request.image,
    profile: 'general',
    adopted: false,
    commands: plan.request.commands.map((argv) => ({
      argv,
      exitCode: 0,
      durationMs: 5,
      output: 'ok\n',
      outputBytes: 3,
      truncated: false,
    })),
    state: 'completed',
    ourContainersInPod: 1,
    notes: [],
    ...overrides,
  };
}
