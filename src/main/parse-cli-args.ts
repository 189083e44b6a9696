import type { Role } from '../config/load-config.js';

export type CliCommand =
  | { kind: 'serve'; role: Role }
  | { kind: 'run'; words: string[] }
  | { kind: 'audit'; words: string[] }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const CLI_USAGE = `Usage:
  k8s-debug-bot [--role bot|worker|all]        run the Slack front end and/or a worker (default: all)
  k8s-debug-bot run <target> [flags] -- CMD…   run one debug request against the current kubeconfig
                                               context and print the transcript (no Slack, no Redis)
  k8s-debug-bot audit [REQUEST-ID] [--limit N]  print the audit trail (newest first, JSON lines)
  k8s-debug-bot --help`;

/** Pure: process.argv (without node and script) → what to do. */
export function parseCliArgs(argv: string[]): CliCommand {
  if (argv[0] === 'run') return { kind: 'run', words: argv.slice(1) };
  if (argv[0] === 'audit') return { kind: 'audit', words: argv.slice(1) };
  let role: Role = 'all';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    const value = arg.startsWith('--role=')
      ? arg.slice('--role='.length)
      : arg === '--role'
        ? argv[++i]
        : undefined;
    if (value === undefined) return { kind: 'error', message: `unknown argument "${arg}"` };
    if (value !== 'bot' && value !== 'worker' && value !== 'all') {
      return { kind: 'error', message: `--role must be bot, worker or all (got "${value ?? ''}")` };
    }
    role = value;
  }
  return { kind: 'serve', role };
}
