import type { AppConfig } from '../config/load-config.js';
import type { Approval } from '../core/approval-model.js';
import { assertStillAuthorized, authorizeRequester } from '../core/authorize-requester.js';
import { cacheApproverDirectory } from '../core/cache-approver-directory.js';
import { decideApproval } from '../core/decide-approval.js';
import { describeApprovalCard } from '../core/describe-approval-card.js';
import { startApprovalSweeper } from '../core/expire-approvals.js';
import { type GateDeps, gateDebugRequest } from '../core/gate-debug-request.js';
import type { DebugRequest } from '../core/model.js';
import type { AuditLog, Clock, JobQueue, Logger } from '../core/ports.js';
import { resolveApprovers } from '../core/resolve-approvers.js';
import {
  createKubeAccessReviewer,
  createTargetLabelReader,
  type KubeSource,
} from '../kube/create-kube-debugger.js';
import { classifyRequest } from '../policy/classify-request.js';
import { mayRequest, requesterGroupsInPolicy } from '../policy/may-request.js';
import type { createProducerConnection } from '../queue/create-redis-connection.js';
import { RedisApprovalStore } from '../queue/redis-approval-store.js';
import { createSlackDirectories } from '../slack/create-slack-directories.js';
import type { SlackRetryConfig } from '../slack/create-slack-notifier.js';
import { createSlackApprovalNotifier } from '../slack/create-slack-notifier.js';
import { mentionSlackUser } from '../slack/format-approvers.js';
import type { SlackApprovalAnswer, SlackApprovalDecisionInput } from '../slack/slack-app-handlers.js';
import { toSlackApprovalAnswer } from '../slack/to-slack-approval-answer.js';
import { redactArgv } from '../transcript/redact-argv.js';

export interface ApprovalFlowInput {
  config: AppConfig;
  connection: ReturnType<typeof createProducerConnection>;
  queue: JobQueue;
  audit: AuditLog;
  logger: Logger;
  clock: Clock;
  kube?: KubeSource;
  slackRetryConfig?: SlackRetryConfig;
}

/** Approvals, access rules and per-user authorization wired from config (see README, Policy). */
export function createApprovalFlow(input: ApprovalFlowInput) {
  const { config, logger, clock, audit } = input;
  const store = new RedisApprovalStore({ connection: input.connection, prefix: config.queue.prefix });
  const slack = {
    token: config.slack.botToken,
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    ...(input.slackRetryConfig ? { retryConfig: input.slackRetryConfig } : {}),
    logger,
  };
  const directories = createSlackDirectories(slack);
  const directory = cacheApproverDirectory(directories.approvers, { ttlMs: 5 * 60_000, clock });
  const cards = createSlackApprovalNotifier(slack);
  const timeoutMs = Math.min(config.debug.kubeRequestTimeoutMs, 2000);
  const kubeSource = { ...(input.kube ?? {}), requestTimeoutMs: timeoutMs };
  const authSettings = config.policy.authorization;
  const authDeps = authSettings.subjectAccessReview
    ? { settings: authSettings, reviewer: createKubeAccessReviewer(kubeSource), users: directories.users }
    : undefined;
  const needsLabels =
    config.policy.production.namespaceLabels.length + config.policy.production.podLabels.length > 0;
  const readLabels = needsLabels ? createTargetLabelReader(kubeSource) : undefined;
  const enqueue = (request: DebugRequest, approval: Approval) =>
    input.queue.enqueue({ ...request, approvedBy: approval.approvals.map((a) => a.by.userId) });

  const gateDeps: GateDeps = {
    store,
    directory,
    audit,
    clock,
    logger,
    dedupe: store,
    cluster: config.cluster.name,
    mayRequest: (requester, request) =>
      mayRequest(requester, request, config.policy, { cluster: config.cluster.name }),
    classify: (request, context) => classifyRequest(request, context, config.policy),
    requesterGroups: requesterGroupsInPolicy(config.policy),
    ...(authDeps ? { authorize: (request: DebugRequest) => authorizeRequester(request, authDeps) } : {}),
    ...(readLabels ? { readTargetLabels: (request: DebugRequest) => readLabels(request.target) } : {}),
  };

  return {
    store,
    gate: (request: DebugRequest, origin: { reason?: string; digest?: string }) =>
      gateDebugRequest(request, origin, gateDeps),
    /** For the worker: the requester must still be allowed just before anything is created. */
    ...(authDeps
      ? { authorizeAtRun: (request: DebugRequest) => assertStillAuthorized(request, { ...authDeps, audit }) }
      : {}),
    async postCard(approval: Approval): Promise<void> {
      const card = describeApprovalCard(await redactApproval(approval), clock.now());
      const messageTs = await cards.postCard(approval.request.channelId, card, approval.request.threadTs);
      await store.attachCard(approval.id, { channelId: approval.request.channelId, messageTs });
    },
    async decide(click: SlackApprovalDecisionInput): Promise<SlackApprovalAnswer> {
      const now = clock.now();
      // Our cards always carry the digest in the actions block; an Approve without one approves nothing.
      if (click.decision === 'approve' && !click.shownDigest) {
        return {
          ephemeral: 'This card does not say what it approves; nothing was approved. Use the latest card.',
        };
      }
      const result = await decideApproval(
        {
          approvalId: click.approvalId,
          clicker: click.clicker,
          decision: click.decision,
          now,
          ...(click.shownDigest ? { shownDigest: click.shownDigest } : {}),
        },
        { store, audit, logger, enqueue, mention: mentionSlackUser },
      );
      const shown =
        'approval' in result && result.approval
          ? { ...result, approval: await redactApproval(result.approval) }
          : result;
      return toSlackApprovalAnswer(shown as typeof result, now);
    },
    /** Anyone configured as an approver (defaults or any access rule) may read the audit trail in chat. */
    async isApprover(user: { userId: string; teamId: string }): Promise<boolean> {
      const specs = [
        config.policy.approvals.approvers,
        ...config.policy.access.rules.flatMap((r) => (r.approvers ? [r.approvers] : [])),
      ];
      for (const spec of specs) {
        const members = await resolveApprovers(spec, user.teamId, directory);
        if (members.some((m) => m.userId === user.userId && m.teamId === user.teamId)) return true;
      }
      return false;
    },
    approversOf: async (requestId: string) =>
      (await store.get(requestId))?.approvals.map((a) => `${a.by.teamId}:${a.by.userId}`) ?? [],
    startSweeper: () =>
      startApprovalSweeper({
        store,
        audit,
        logger,
        clock,
        intervalMs: 30_000,
        enqueue,
        onExpired: async (approval) => {
          await cards.refreshCard(await redactApproval(approval), clock.now());
        },
      }),
  };
}

/**
 * What the card shows: the argv with secrets masked, like every other message. The approval itself
 * stays bound to the exact argv through its digest (carried in the card's actions block).
 */
async function redactApproval(approval: Approval): Promise<Approval> {
  const commands = await Promise.all(
    approval.request.commands.map(async (argv) => (await redactArgv(argv)).argv),
  );
  return { ...approval, request: { ...approval.request, commands } };
}
