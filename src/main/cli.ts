#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { ensureHeapFlags } from './node-flags.js';
import { CLI_USAGE, parseCliArgs } from './parse-cli-args.js';

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
  // Modules load after this point: a worker that replaces itself to get its heap flags loads them once.
  if (command.kind === 'run')
    return (await import('./run-from-terminal.js')).runFromTerminal(command.words, process.env);
  if (command.kind === 'audit')
    return (await import('./read-audit-trail.js')).readAuditTrail(command.words, process.env);
  const heap = ensureHeapFlags(command.role);
  const { ConfigError, loadConfig } = await import('../config/load-config.js');
  const { createLogger } = await import('./create-logger.js');
  const { startApp } = await import('./start-app.js');

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
  if (heap.kind === 'applied-at-runtime' && heap.missing.length > 0)
    logger.warn(
      { missing: heap.missing, applied: heap.flags },
      'this Node cannot restart itself with the worker heap flags; pass them on the node command line (npm start does) to keep worker memory within its budget',
    );
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
