/**
 * The node side for ephemeral containers: status absent → waiting (ContainerCreating, or a configured image
 * problem) → running → terminated. By default a running container really executes its `command`+`args`
 * on this host (no shell) with `TERMINATION_LOG` pointing at a file that stands in for /dev/termination-log.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterStore } from './cluster-store.js';
import { ContainerLog } from './container-log.js';
import { type ContainerJson, type ContainerStatusJson, nowRfc3339, type PodJson } from './types.js';

export interface WaitingState {
  reason: string;
  message?: string;
}

/** How the fake node treats an image. */
export interface ImageBehaviour {
  /** Stay waiting with these reasons (one after the other, `waitingIntervalMs` apart); the container never starts. */
  waiting?: WaitingState | WaitingState[];
  waitingIntervalMs?: number;
  /** Time between ContainerCreating and running (or the first `waiting` problem). */
  startDelayMs?: number;
  imageId?: string;
  /** The image's USER; 0 (root) by default, like busybox. */
  user?: number | string;
  /** Start and keep running without executing anything. */
  runForever?: boolean;
}

/** What a pluggable runtime returns instead of spawning a process. */
export interface RuntimeResult {
  output?: Buffer | string | AsyncIterable<Buffer | string>;
  exitCode: number;
  /** Total running time; the container terminates no earlier than this. */
  durationMs?: number;
  terminationMessage?: string;
}

export interface RuntimeContext {
  pod: PodJson;
  env: Record<string, string>;
  terminationLogPath: string;
  signal: AbortSignal;
}

export type ContainerRuntime = (
  container: ContainerJson,
  context: RuntimeContext,
) => RuntimeResult | Promise<RuntimeResult>;

export interface KubeletOptions {
  statusDelayMs: number;
  startDelayMs: number;
  runtime?: ContainerRuntime;
}

export class FakeKubelet {
  private readonly images = new Map<string, ImageBehaviour>();
  private readonly logs = new Map<string, ContainerLog>();
  private readonly started = new Set<string>();
  private readonly children = new Set<ChildProcess>();
  private readonly stop = new AbortController();
  private readonly dir = mkdtempSync(join(tmpdir(), 'fake-kubelet-'));
  private runForever: (c: ContainerJson) => boolean = () => false;

  constructor(
    private readonly store: ClusterStore,
    private readonly options: KubeletOptions,
  ) {
    // Every container's lifecycle waits on this one signal; hundreds at once are normal here.
    setMaxListeners(0, this.stop.signal);
  }

  setImage(image: string, behaviour: ImageBehaviour): void {
    this.images.set(image, behaviour);
  }

  setRunForever(match: (c: ContainerJson) => boolean = () => true): void {
    this.runForever = match;
  }

  log(namespace: string, pod: string, container: string): ContainerLog | undefined {
    return this.logs.get(`${namespace}/${pod}/${container}`);
  }

  /** Starts the lifecycle of every ephemeral container of the pod it has not seen yet. */
  sync(namespace: string, podName: string): void {
    const pod = this.store.getPod(namespace, podName);
    for (const ec of pod?.spec.ephemeralContainers ?? []) {
      const key = `${namespace}/${podName}/${ec.name}`;
      if (this.started.has(key)) continue;
      this.started.add(key);
      this.lifecycle(namespace, podName, ec).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    for (const child of this.children) killGroup(child);
    for (const log of this.logs.values()) log.finish();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private setStatus(namespace: string, podName: string, status: ContainerStatusJson): void {
    this.store.updatePod(namespace, podName, (pod) => {
      pod.status ??= {};
      pod.status.ephemeralContainerStatuses ??= [];
      const list = pod.status.ephemeralContainerStatuses;
      const index = list.findIndex((s) => s.name === status.name);
      if (index >= 0) list[index] = status;
      else list.push(status);
    });
  }

  private async lifecycle(namespace: string, podName: string, ec: ContainerJson): Promise<void> {
    const signal = this.stop.signal;
    const image = ec.image ?? '';
    const behaviour = this.images.get(image) ?? {};
    const base = { name: ec.name, lastState: {}, ready: false, restartCount: 0, image, imageID: '' };
    const waiting = (w: WaitingState) =>
      this.setStatus(namespace, podName, { ...base, state: { waiting: w } });
    await sleep(this.options.statusDelayMs, undefined, { signal });
    const pod = this.store.getPod(namespace, podName);
    if (!pod) return;
    waiting({ reason: pod.spec.initContainers?.length ? 'PodInitializing' : 'ContainerCreating' });
    await sleep(behaviour.startDelayMs ?? this.options.startDelayMs, undefined, { signal });
    const configError = checkRunAsNonRoot(pod, ec, behaviour);
    const problems = configError ? [configError] : [behaviour.waiting ?? []].flat();
    for (const [i, problem] of problems.entries()) {
      if (i > 0) await sleep(behaviour.waitingIntervalMs ?? 20, undefined, { signal });
      waiting(problem);
    }
    if (problems.length) return;
    const imageID =
      behaviour.imageId ?? `${image}@sha256:${createHash('sha256').update(image).digest('hex')}`;
    const containerID = `containerd://${randomUUID().replace(/-/g, '')}`;
    const startedAt = nowRfc3339();
    const log = new ContainerLog();
    this.logs.set(`${namespace}/${podName}/${ec.name}`, log);
    const running = { ...base, imageID, containerID, started: true };
    this.setStatus(namespace, podName, { ...running, state: { running: { startedAt } } });
    if (this.runForever(ec) || behaviour.runForever) return;
    const terminationLogPath = join(this.dir, `${namespace}_${podName}_${ec.name}.termination-log`);
    writeFileSync(terminationLogPath, '');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.dir,
      TERMINATION_LOG: terminationLogPath,
    };
    for (const e of ec.env ?? []) if (e.value !== undefined) Object.assign(env, { [e.name]: e.value });
    const context: RuntimeContext = { pod, env, terminationLogPath, signal };
    const result = this.options.runtime
      ? await runPluggable(this.options.runtime, ec, context, log)
      : await this.spawnContainer(ec, context, log);
    log.finish();
    if (signal.aborted || !result) return;
    const fileMessage = readFileSync(terminationLogPath).subarray(0, 4096).toString('utf8');
    let message = result.terminationMessage ?? fileMessage;
    if (!message && result.exitCode !== 0 && ec.terminationMessagePolicy === 'FallbackToLogsOnError') {
      message = log.text().split('\n').slice(-80).join('\n').slice(-2048);
    }
    const terminated = {
      exitCode: result.exitCode,
      reason: result.reason ?? (result.exitCode === 0 ? 'Completed' : 'Error'),
      ...(message ? { message } : {}),
      startedAt,
      finishedAt: nowRfc3339(),
      containerID,
    };
    this.setStatus(namespace, podName, { ...running, started: false, state: { terminated } });
  }

  private spawnContainer(ec: ContainerJson, context: RuntimeContext, log: ContainerLog): Promise<Finished> {
    const argv = [...(ec.command ?? []), ...(ec.args ?? [])];
    if (argv.length === 0) argv.push('true');
    return new Promise((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), {
        env: context.env,
        cwd: this.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      this.children.add(child);
      child.stdout.on('data', (chunk: Buffer) => log.append('stdout', chunk));
      child.stderr.on('data', (chunk: Buffer) => log.append('stderr', chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        this.children.delete(child);
        const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: ${JSON.stringify(argv[0])}: ${error.code === 'ENOENT' ? 'executable file not found in $PATH' : error.message}: unknown`;
        resolve({ exitCode: 128, reason: 'StartError', terminationMessage: message });
      });
      child.on('close', (code, sig) => {
        this.children.delete(child);
        resolve({ exitCode: code ?? 128 + signalNumber(sig) });
      });
    });
  }
}

interface Finished {
  exitCode: number;
  reason?: string;
  terminationMessage?: string;
}

async function runPluggable(
  runtime: ContainerRuntime,
  ec: ContainerJson,
  context: RuntimeContext,
  log: ContainerLog,
): Promise<Finished | undefined> {
  const started = Date.now();
  const result = await runtime(ec, context);
  const output = result.output ?? '';
  if (typeof output === 'string' || Buffer.isBuffer(output)) {
    log.append('stdout', Buffer.from(output));
  } else {
    for await (const chunk of output) {
      if (context.signal.aborted) return undefined;
      log.append('stdout', Buffer.from(chunk));
    }
  }
  const remaining = (result.durationMs ?? 0) - (Date.now() - started);
  if (remaining > 0) await sleep(remaining, undefined, { signal: context.signal }).catch(() => undefined);
  return {
    exitCode: result.exitCode,
    ...(result.terminationMessage ? { terminationMessage: result.terminationMessage } : {}),
  };
}

/** The kubelet's `verifyRunAsNonRoot`: CreateContainerConfigError when the image would run as root. */
function checkRunAsNonRoot(
  pod: PodJson,
  ec: ContainerJson,
  behaviour: ImageBehaviour,
): WaitingState | undefined {
  const sc = ec.securityContext ?? {};
  const podSc = pod.spec.securityContext ?? {};
  if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) return undefined;
  const where = `(pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${ec.name})`;
  const uid = sc.runAsUser ?? podSc.runAsUser;
  if (uid === 0)
    return {
      reason: 'CreateContainerConfigError',
      message: `container's runAsUser breaks non-root policy ${where}`,
    };
  if (uid !== undefined) return undefined;
  const user = behaviour.user ?? 0;
  if (typeof user === 'string' && !/^\d+$/.test(user)) {
    const message = `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root ${where}`;
    return { reason: 'CreateContainerConfigError', message };
  }
  if (Number(user) === 0) {
    return {
      reason: 'CreateContainerConfigError',
      message: `container has runAsNonRoot and image will run as root ${where}`,
    };
  }
  return undefined;
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };
  return (signal && numbers[signal]) || 1;
}
