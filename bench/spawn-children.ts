/** Child processes of the worker benchmarks: start one and wait until it is ready, stop it for sure. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { createProducerConnection } from '../src/queue/create-redis-connection.js';
import { commandOf } from './proc-stats.js';

/**
 * Spawns a node child and resolves with it and its first stdout line that `isReady` accepts. Later
 * stdout lines (logs) go to stderr, so the child never blocks on a full pipe. stdin stays open: the
 * children exit when it closes, so they never outlive the bench process.
 */
export async function spawnReady(
  label: string,
  args: string[],
  isReady: (line: string) => boolean,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit').catch(() => undefined);
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(
        () => reject(new Error(`${label} did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (text) => {
        if (!ready && isReady(text)) {
          ready = true;
          clearTimeout(timer);
          resolve(text);
        } else process.stderr.write(`[${label}] ${text}\n`);
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
    return { child, line };
  } catch (error) {
    await terminate(child, exited, 2000);
    throw error;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function terminate(
  child: ChildProcess,
  exited: Promise<unknown>,
  graceMs: number,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      process.stderr.write(`bench: pid ${child.pid} did not stop within ${graceMs} ms; killing it\n`);
      child.kill('SIGKILL');
      await exited;
    }
  }
  child.stdin?.destroy();
}

/** redis-server's pid from INFO server, if that process is visible here (same machine and pid namespace). */
export async function findRedisPid(
  redis: ReturnType<typeof createProducerConnection>,
): Promise<number | undefined> {
  try {
    const info = await redis.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    return pid && commandOf(pid)?.startsWith('redis') ? pid : undefined;
  } catch {
    return undefined;
  }
}
