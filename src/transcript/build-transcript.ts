import { deriveContainerName } from '../core/derive-ids.js';
import type {
  CommandRun,
  DebugOutcome,
  DebugRequest,
  ProfileName,
  Transcript,
  TranscriptCommand,
} from '../core/model.js';
import type { TranscriptBuilder, TranscriptInput } from '../core/ports.js';
import { redactArgv } from './redact-argv.js';
import { redactSecrets } from './redact-secrets.js';
import { sanitizeOutput, sanitizeText } from './sanitize-output.js';

/** Always in a transcript's notes: an ephemeral container outlives the request. */
export const EPHEMERAL_CONTAINER_NOTE =
  'Ephemeral containers cannot be removed: the debug container stays in the pod spec until the pod is replaced.';

/** Used when the request failed before anything ran and named no profile (the configured default is not known here). */
const FALLBACK_PROFILE: ProfileName = 'general';

/**
 * The {@link TranscriptBuilder} port: raw outcome → transcript that is safe to post, log or store.
 * Every command's output is sanitised (escape sequences, overwrites, binary detection) and then
 * redacted; argv, reason and notes are redacted too, and `redactions` counts every masked secret.
 * Outcome: `cancelled` when the run was cancelled; `succeeded` only when every command ran and
 * exited 0; `failed` otherwise, including when no outcome exists (failure before anything ran).
 */
export async function buildTranscript(input: TranscriptInput): Promise<Transcript> {
  const { request, outcome } = input;
  const counter = { redactions: 0 };
  const clean = async (text: string): Promise<string> => {
    const result = await redactSecrets(sanitizeText(text));
    counter.redactions += result.count;
    return result.text;
  };

  const commands: TranscriptCommand[] = [];
  for (const run of outcome?.commands ?? []) commands.push(await buildCommand(run, counter));
  const rawReason = outcome?.reason ?? input.failure ?? defaultReason(outcome);
  const reason = rawReason === undefined ? undefined : await clean(rawReason);
  const notes: string[] = [];
  for (const note of outcome?.notes ?? []) notes.push(await clean(note));
  if (!notes.includes(EPHEMERAL_CONTAINER_NOTE)) notes.push(EPHEMERAL_CONTAINER_NOTE);

  return {
    requestId: request.id,
    requester: request.requester,
    approvers: input.approvers ?? [],
    ...(input.cluster !== undefined ? { cluster: sanitizeText(input.cluster) } : {}),
    ...header(request, outcome),
    commands,
    outcome: decideOutcome(outcome),
    ...(reason !== undefined ? { reason } : {}),
    redactions: counter.redactions,
    ourContainersInPod: outcome?.ourContainersInPod ?? 0,
    notes,
  };
}

buildTranscript satisfies TranscriptBuilder;

async function buildCommand(run: CommandRun, counter: { redactions: number }): Promise<TranscriptCommand> {
  const argv = await redactArgv(run.argv);
  const sanitized = sanitizeOutput(run.output);
  const output = await redactSecrets(sanitized.text);
  counter.redactions += argv.count + output.count;
  return {
    argv: argv.argv,
    ...(run.exitCode !== undefined ? { exitCode: run.exitCode } : {}),
    ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    output: output.text,
    outputBytes: run.outputBytes,
    truncated: run.truncated,
    ...(sanitized.binary ? { binary: true } : {}),
  };
}

type Header = Pick<
  Transcript,
  'namespace' | 'pod' | 'targetContainer' | 'image' | 'imageId' | 'profile' | 'containerName'
>;

/** Identifiers come from the outcome when there is one, else from what the user asked for. */
function header(request: DebugRequest, outcome: DebugOutcome | undefined): Header {
  if (outcome) {
    return {
      namespace: sanitizeText(outcome.namespace),
      pod: sanitizeText(outcome.podName),
      targetContainer: sanitizeText(outcome.targetContainer),
      image: sanitizeText(outcome.image),
      ...(outcome.imageId !== undefined ? { imageId: sanitizeText(outcome.imageId) } : {}),
      profile: outcome.profile,
      containerName: sanitizeText(outcome.containerName),
    };
  }
  const { target } = request;
  return {
    namespace: sanitizeText(target.namespace),
    // A workload or selector was never resolved to a pod: show what was asked for, kubectl-style.
    pod: sanitizeText(target.kind === 'pod' ? target.name : `${target.kind}/${target.name}`),
    targetContainer: sanitizeText(target.container ?? ''),
    image: sanitizeText(request.image),
    profile: request.profile ?? FALLBACK_PROFILE,
    containerName: request.id ? deriveContainerName(request.id) : '',
  };
}

function decideOutcome(outcome: DebugOutcome | undefined): Transcript['outcome'] {
  if (!outcome) return 'failed';
  if (outcome.state === 'cancelled') return 'cancelled';
  if (outcome.state === 'completed' && outcome.commands.every((run) => run.exitCode === 0))
    return 'succeeded';
  return 'failed';
}

/** A reason when the cluster side gave none, so a failed transcript always says why. */
function defaultReason(outcome: DebugOutcome | undefined): string | undefined {
  if (!outcome) return 'The request failed before any command ran.';
  switch (outcome.state) {
    case 'start_failed':
      return 'The debug container did not start.';
    case 'run_timeout':
      return 'The commands were still running at the deadline; the output is partial.';
    case 'cancelled':
      return 'The request was cancelled.';
    case 'completed': {
      const index = outcome.commands.findIndex((run) => run.exitCode !== 0);
      if (index === -1) return undefined;
      const code = outcome.commands[index]!.exitCode;
      return code === undefined
        ? `Command ${index + 1} did not report an exit code.`
        : `Command ${index + 1} exited with code ${code}.`;
    }
  }
}
