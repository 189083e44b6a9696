/**
 * The platform-neutral domain model. Nothing here knows about Slack, BullMQ or Kubernetes clients.
 */

/** Security profiles, with the same security contexts as `kubectl debug --profile`. */
export const PROFILE_NAMES = ['general', 'baseline', 'restricted', 'netadmin', 'sysadmin'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Who asked, as the chat platform identifies them. */
export interface Requester {
  userId: string;
  teamId: string;
  userName?: string;
}

export const TARGET_KINDS = ['pod', 'deployment', 'statefulset', 'daemonset', 'selector'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** What the user typed as a target, before it is resolved to one pod. */
export interface TargetRef {
  namespace: string;
  kind: TargetKind;
  /** Pod/workload name, or for `selector` the label selector (`app=web,tier=api`). */
  name: string;
  /** Container whose process namespace the debug container joins; default: the pod's first container. */
  container?: string;
}

/** The parsed chat command before defaults and policy are applied (output of the pure parser). */
export interface DebugCommandInput {
  target: Omit<TargetRef, 'namespace'> & { namespace?: string };
  image?: string;
  profile?: ProfileName;
  preset?: string;
  reason?: string;
  /** Each argv exactly as typed; empty when a preset supplies the commands. */
  commands: string[][];
}

/** Result of the pure policy check. */
export type PolicyDecision = { allowed: true } | { allowed: false; reason: string };

/** A validated request to debug one pod. Carries ids, target and argv only: never tokens or secrets. */
export interface DebugRequest {
  /** Stable id derived from the chat platform's delivery id; also the BullMQ job id. */
  id: string;
  requester: Requester;
  /** Conversation the request came from; the transcript goes there. */
  channelId: string;
  /** When the request was typed inside a thread, answer there instead of starting one. */
  threadTs?: string;
  target: TargetRef;
  image: string;
  /** Undefined means: choose from the namespace's Pod Security level or the configured default. */
  profile?: ProfileName;
  /** Each command is the argv exactly as typed; never joined into a shell string by us. */
  commands: string[][];
  /** ISO-8601 time the request was accepted. */
  createdAt: string;
  /** The requester's free-text reason (`--reason`), shown on the approval card; not part of the digest. */
  reason?: string;
  /** Who approved it (Slack user ids), for production requests; set when the approval enqueues it. */
  approvedBy?: string[];
}

/** The live state shown on the root message. */
export const REQUEST_PHASES = [
  'queued',
  'creating',
  'pulling',
  'running',
  'collecting',
  'done',
  'failed',
  'cancelled',
] as const;
export type RequestPhase = (typeof REQUEST_PHASES)[number];

export interface RequestStatus {
  phase: RequestPhase;
  /** Short human text, e.g. the kubelet's waiting reason or "command 2 of 3". */
  detail?: string;
}

/** Raw result of one command, straight from the cluster (not yet redacted or sanitised). */
export interface CommandRun {
  argv: string[];
  /** Undefined when it never finished (deadline, cancel) or the exit code was lost. */
  exitCode?: number;
  durationMs?: number;
  output: string;
  /** Bytes of output we read (after the cap). */
  outputBytes: number;
  /** True when the output cap cut the output, or the stream could not be read to its end. */
  truncated: boolean;
}

/** What the Kubernetes side reports back for one request. */
export interface DebugOutcome {
  containerName: string;
  podName: string;
  namespace: string;
  targetContainer: string;
  image: string;
  /** The image digest the kubelet resolved, when known. */
  imageId?: string;
  profile: ProfileName;
  /** True when a retried job found and adopted the container an earlier attempt made. */
  adopted: boolean;
  commands: CommandRun[];
  /** `completed` = every command ran; otherwise why it stopped. */
  state: 'completed' | 'start_failed' | 'run_timeout' | 'cancelled';
  /** Human explanation when state is not `completed`. */
  reason?: string;
  /** How many containers this bot has added to the pod so far, including this one. */
  ourContainersInPod: number;
  notes: string[];
}

/** One command as the transcript shows it: already redacted and sanitised. */
export interface TranscriptCommand {
  argv: string[];
  exitCode?: number;
  durationMs?: number;
  /** Safe text: redacted, control sequences stripped. Not yet escaped for any chat platform. */
  output: string;
  outputBytes: number;
  truncated: boolean;
  /** Set when the output was binary; `output` then holds a short hex preview. */
  binary?: boolean;
}

/** The platform-neutral transcript a renderer turns into chat messages. */
export interface Transcript {
  requestId: string;
  requester: Requester;
  approvers: string[];
  cluster?: string;
  namespace: string;
  pod: string;
  targetContainer: string;
  image: string;
  imageId?: string;
  profile: ProfileName;
  containerName: string;
  commands: TranscriptCommand[];
  outcome: 'succeeded' | 'failed' | 'cancelled';
  /** Human explanation of a failure; safe text. */
  reason?: string;
  redactions: number;
  ourContainersInPod: number;
  notes: string[];
}
