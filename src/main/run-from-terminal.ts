import { delimiter } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { deriveContainerName, deriveRequestId } from '../core/derive-ids.js';
import { toDebugError } from '../core/errors.js';
import type { DebugRequest, Transcript } from '../core/model.js';
import { createKubePodDebugger } from '../kube/create-kube-debugger.js';
import { evaluateRequest } from '../policy/evaluate-request.js';
import { parseDebugCommand } from '../slack/parse-debug-command.js';
import { buildTranscript } from '../transcript/build-transcript.js';
import { createLogger } from './create-logger.js';

/**
 * `k8s-debug-bot run <target> [flags] -- CMD…`: the same parser, policy and engine as the bot, against
 * the current kubeconfig context, with no Slack and no Redis. Prints the transcript; exit code = the
 * last command's (1 when the request failed before a command ran, 2 for bad input).
 */
export async function runFromTerminal(
  words: string[],
  env: NodeJS.ProcessEnv,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const config = loadConfig({
    env: { SLACK_BOT_TOKEN: 'xoxb-unused', SLACK_SIGNING_SECRET: 'unused', ...env },
    role: 'worker',
  });
  const parsed = parseDebugCommand(words.map(quoteWord).join(' '));
  if (parsed.kind !== 'debug') {
    out.write(
      `${parsed.kind === 'error' ? parsed.message : 'usage: k8s-debug-bot run <pod> [-n NS] [--image IMAGE] [-c CONTAINER] [--profile P] -- CMD…'}\n`,
    );
    return 2;
  }
  const preset = parsed.input.preset ? config.presets[parsed.input.preset] : undefined;
  const user = env.USER ?? 'terminal';
  const request: DebugRequest = {
    id: deriveRequestId('terminal', `${user}:${Date.now()}:${Math.random()}`),
    requester: { userId: user, teamId: 'terminal', userName: user },
    channelId: 'terminal',
    target: { ...parsed.input.target, namespace: parsed.input.target.namespace ?? config.defaults.namespace },
    image: parsed.input.image ?? preset?.image ?? config.defaults.image,
    ...((parsed.input.profile ?? preset?.profile)
      ? { profile: parsed.input.profile ?? preset?.profile }
      : {}),
    commands: parsed.input.commands.length > 0 ? parsed.input.commands : (preset?.commands ?? []),
    createdAt: new Date().toISOString(),
  };
  const decision = evaluateRequest(request, config.policy);
  if (!decision.allowed) {
    out.write(`refused: ${decision.reason}\n`);
    return 2;
  }
  const logger = createLogger(env.LOG_LEVEL ?? 'warn', process.stderr);
  // A single KUBECONFIG file is read from the given environment; a path list uses the default chain.
  const kubeconfigPath = env.KUBECONFIG && !env.KUBECONFIG.includes(delimiter) ? env.KUBECONFIG : undefined;
  const podDebugger = createKubePodDebugger({
    requestTimeoutMs: config.debug.kubeRequestTimeoutMs,
    logger,
    ...(kubeconfigPath ? { kubeconfigPath } : {}),
  });
  let transcript: Transcript;
  try {
    const outcome = await podDebugger.run(
      {
        request,
        containerName: deriveContainerName(request.id),
        startDeadlineMs: config.debug.startDeadlineSeconds * 1000,
        runDeadlineMs: config.debug.runDeadlineSeconds * 1000,
        outputCapBytes: config.debug.outputCapBytes,
        maxContainersPerPod: config.debug.maxContainersPerPod,
        defaultProfile: config.policy.profiles.default,
      },
      { onProgress: (p) => process.stderr.write(`… ${p.phase}${p.detail ? `: ${p.detail}` : ''}\n`) },
    );
    transcript = await buildTranscript({ request, outcome, cluster: config.cluster.name });
  } catch (error) {
    logger.error({ err: error }, 'debug request failed');
    transcript = await buildTranscript({
      request,
      failure: toDebugError(error).userMessage,
      cluster: config.cluster.name,
    });
  }
  out.write(renderPlainTranscript(transcript));
  if (transcript.commands.length === 0) return 1;
  return transcript.commands.at(-1)?.exitCode ?? 1;
}

/** Keeps each shell word one word for the chat grammar's splitter. */
function quoteWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

export function renderPlainTranscript(t: Transcript): string {
  const lines = [
    `request ${t.requestId}  ${t.namespace}/${t.pod} (target ${t.targetContainer || '?'})  image ${t.image}  profile ${t.profile}`,
    `container ${t.containerName || '-'}  outcome ${t.outcome}${t.reason ? `: ${t.reason}` : ''}`,
  ];
  for (const c of t.commands) {
    lines.push(
      '',
      `$ ${c.argv.join(' ')}   [exit ${c.exitCode ?? '?'}, ${c.durationMs ?? '?'} ms${c.truncated ? ', truncated' : ''}]`,
      c.output.trimEnd(),
    );
  }
  lines.push('', ...t.notes, `secrets redacted: ${t.redactions}`, '');
  return lines.join('\n');
}
