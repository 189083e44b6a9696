#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createLogger } from './create-logger.js';
import { CLI_USAGE, parseCliArgs } from './parse-cli-args.js';
import { readAuditTrail } from './read-audit-trail.js';
import { runFromTerminal } from './run-from-terminal.js';
import { startApp } from './start-app.js';

async function main(): Promise<number> {
  // A .env file beside the process fills in settings the environment does not already have.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const command = parseCliArgs(process.argv.slice(2));
  if (command.kind === 'help') {
    console.log(CLI_USAGE);
    return 0;
  }
  if (command.kind === 'error') {
    console.error(`${command.message}\n\n${CLI_USAGE}`);
    return 2;
  }
  if (command.kind === 'run') return runFromTerminal(command.words, process.env);
  if (command.kind === 'audit') return readAuditTrail(command.words, process.env);

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig({ env: process.env, role: command.role });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, { logger });
  logger.info({ role: config.role }, 'k8s-debug-bot running');

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, 'shutting down: no new jobs, finishing the current ones');
      resolve();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  await app.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('k8s-debug-bot stopped on an unexpected error:', error);
    process.exit(1);
  },
);
