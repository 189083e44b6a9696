/**
 * Starts `worker-process.ts` as a child process on a system's prefix and fakes, so a test can SIGKILL it
 * (or watch it crash) without taking the test runner down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../../src/config/load-config.js';
import type { System } from './start-system.js';
import type { WorkerProcessSpec } from './worker-process.js';

const SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerChild {
  child: ChildProcess;
  pid: number;
  /** Resolves when the child exited, with its code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly hasExited: boolean;
  stderr(): string;
  /** SIGKILL now (no clean-up at all, like the OOM killer). */
  kill(): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns a worker process with the system's config (changed by `tweak`); resolves once it is ready. */
export async function spawnWorker(
  system: System,
  tweak?: (config: AppConfig) => void,
  readyTimeoutMs = 15_000,
): Promise<WorkerChild> {
  const config: AppConfig = structuredClone({ ...system.config, role: 'worker' });
  tweak?.(config);
  const spec: WorkerProcessSpec = {
    config,
    kube: system.kube.kubeConfigOptions(),
    slackBotId: system.slack.identity.botId,
    slackBotUserId: system.slack.identity.botUserId,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, E2E_WORKER: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let exitedFlag = false;
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker process not ready within ${readyTimeoutMs} ms: ${stderr.slice(-2000)}`));
    }, readyTimeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited (${code ?? signal}) before ready: ${stderr.slice(-2000)}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    exited,
    get hasExited() {
      return exitedFlag;
    },
    stderr: () => stderr,
    kill() {
      if (!exitedFlag) child.kill('SIGKILL');
    },
    async stop(graceMs = 3000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
