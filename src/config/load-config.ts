import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type DebugPolicy, debugPolicySchema } from '../policy/policy-schema.js';
import { type FileConfig, fileConfigSchema } from './config-schema.js';

export type Role = 'bot' | 'worker' | 'all';

/** Everything the process needs, validated. Secrets come only from the environment. */
export interface AppConfig extends Omit<FileConfig, 'policy'> {
  role: Role;
  policy: DebugPolicy;
  slack: {
    botToken: string;
    signingSecret: string;
    appToken?: string;
    apiUrl?: string;
  };
  port: number;
  redisUrl: string;
  logLevel: string;
  configFile: string;
}

/** Start-up refused: lists every problem at once, each with how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`k8s-debug-bot cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export interface LoadConfigInput {
  env?: NodeJS.ProcessEnv;
  role?: Role;
  /** Reads a file; injectable for tests. */
  readFile?: (path: string) => string;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** defaults → YAML file → environment; every problem is collected before failing. */
export function loadConfig({
  env = process.env,
  role = 'all',
  readFile = readUtf8,
}: LoadConfigInput = {}): AppConfig {
  const problems: string[] = [];
  const configFile = env.CONFIG_FILE || 'config/default.yaml';

  let raw: unknown = {};
  try {
    raw = parseYaml(readFile(configFile)) ?? {};
  } catch (error) {
    problems.push(
      `CONFIG_FILE ${configFile}: cannot read it (${(error as Error).message.split('\n')[0]}); point CONFIG_FILE at a readable YAML file`,
    );
  }
  const file = fileConfigSchema.safeParse(raw);
  if (!file.success) problems.push(...describeIssues(file.error.issues, configFile));
  // Fail closed: without an explicit policy section nothing may run.
  const policyRaw = (raw as { policy?: unknown } | null)?.policy;
  if (policyRaw === undefined || policyRaw === null) {
    problems.push(
      `${configFile}: the policy section is missing; copy it from config/default.yaml and adapt it (nothing runs without a policy)`,
    );
  }
  const policy = debugPolicySchema.safeParse(policyRaw ?? {});
  if (!policy.success) problems.push(...describeIssues(policy.error.issues, `${configFile} policy`));

  const needsSlackIn = role !== 'worker';
  const botToken = env.SLACK_BOT_TOKEN ?? '';
  const signingSecret = env.SLACK_SIGNING_SECRET ?? '';
  const appToken = env.SLACK_APP_TOKEN || undefined;
  if (!botToken.startsWith('xoxb-')) {
    problems.push(
      'SLACK_BOT_TOKEN: set it to the bot token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page',
    );
  }
  if (needsSlackIn && signingSecret.trim() === '') {
    problems.push(
      'SLACK_SIGNING_SECRET: set it to the signing secret from your Slack app\'s "Basic Information" page',
    );
  }
  if (appToken && !appToken.startsWith('xapp-')) {
    problems.push(
      'SLACK_APP_TOKEN: must be an app-level token (xapp-…) with connections:write, or unset for HTTP mode',
    );
  }
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT: "${env.PORT}" is not a TCP port (0–65535)`);
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl))
    problems.push(`REDIS_URL: "${redisUrl}" must start with redis:// or rediss://`);
  const logLevel = env.LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  if (env.SLACK_API_URL && !/^https?:\/\//.test(env.SLACK_API_URL)) {
    problems.push('SLACK_API_URL: must be an http(s) URL such as https://slack.com/api/');
  }

  if (problems.length > 0 || !file.success || !policy.success) throw new ConfigError(problems);
  const { policy: _ignored, ...rest } = file.data;
  return {
    ...rest,
    role,
    policy: policy.data,
    slack: {
      botToken,
      signingSecret,
      ...(appToken ? { appToken } : {}),
      ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    },
    port,
    redisUrl,
    logLevel,
    configFile,
  };
}

function describeIssues(issues: z.core.$ZodIssue[], where: string): string[] {
  return issues.map((issue) => `${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
}

function readUtf8(path: string): string {
  return readFileSync(path, 'utf8');
}
