/**
 * Keeps the latest version of one pod from a single watch connection (reconnecting from the last
 * resourceVersion when the server ends it), so waiting for start and for termination costs one call.
 */
import type { IncomingMessage } from 'node:http';
import type { V1Pod } from '@kubernetes/client-node';
import { DebugError, isDebugError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import type { KubeApi } from './create-kube-api.js';

const MAX_LINE = 8 * 1024 * 1024;
const MAX_CONSECUTIVE_FAILURES = 3;

interface WatchEvent {
  type?: string;
  object?: { metadata?: { resourceVersion?: string }; code?: number; [key: string]: unknown };
}

export class PodWatcher {
  private latest: V1Pod;
  private resourceVersion: string;
  private readonly controller = new AbortController();
  private readonly waiters = new Set<() => void>();
  private failure?: DebugError;
  private deleted = false;

  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
    private readonly name: string,
    initial: V1Pod,
    private readonly log: Logger,
    private readonly reconnectDelayMs = 200,
  ) {
    this.latest = initial;
    this.resourceVersion = initial.metadata?.resourceVersion ?? '0';
  }

  get pod(): V1Pod {
    return this.latest;
  }

  /** Throws when the pod was deleted or the watch failed for good. */
  check(): void {
    if (this.deleted) {
      throw new DebugError(
        'pod_not_found',
        `Pod ${this.namespace}/${this.name} was deleted while the bot was working.`,
      );
    }
    if (this.failure) throw this.failure;
  }

  start(): this {
    void this.loop();
    return this;
  }

  /** Resolves at the next change (or failure); rejects with the signal's reason when it aborts first. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiters.delete(done);
        reject(signal.reason);
      };
      this.waiters.add(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.controller.abort();
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.controller.signal.aborted && !this.deleted) {
      try {
        const stream = await this.api.watchPod(
          this.namespace,
          this.name,
          this.resourceVersion,
          this.controller.signal,
        );
        failures = 0;
        const outcome = await this.consume(stream);
        if (outcome === 'expired') {
          this.latest = await this.api.readPod(this.namespace, this.name, this.controller.signal);
          this.resourceVersion = this.latest.metadata?.resourceVersion ?? '0';
          this.notify();
        }
      } catch (error) {
        if (this.controller.signal.aborted) return;
        const debugError = isDebugError(error) ? error : undefined;
        failures += 1;
        if (!debugError?.retryable || failures >= MAX_CONSECUTIVE_FAILURES) {
          this.failure =
            debugError ??
            new DebugError('api_unavailable', 'Watching the pod failed.', { cause: error, retryable: true });
          this.notify();
          return;
        }
        this.log.warn({ err: error, failures }, 'pod watch failed, reconnecting');
      }
      await new Promise((resolve) => setTimeout(resolve, this.reconnectDelayMs));
    }
  }

  /** Reads NDJSON events until the stream ends; 'expired' when the server said our resourceVersion is too old. */
  private async consume(stream: IncomingMessage): Promise<'ended' | 'expired'> {
    let buffer = '';
    try {
      for await (const chunk of stream) {
        buffer += (chunk as Buffer).toString('utf8');
        if (buffer.length > MAX_LINE) throw new DebugError('internal', 'A watch event was too large.');
        let newline = buffer.indexOf('\n');
        while (newline >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf('\n');
          if (line && this.apply(JSON.parse(line) as WatchEvent) === 'expired') return 'expired';
          if (this.deleted) return 'ended';
        }
      }
    } catch (error) {
      if (this.controller.signal.aborted || isDebugError(error)) throw error;
      // A connection dropped mid-stream: reconnect from the last resourceVersion.
      this.log.debug({ err: error }, 'pod watch stream ended with an error');
    }
    return 'ended';
  }

  private apply(event: WatchEvent): 'expired' | undefined {
    if (event.type === 'ERROR') {
      if (event.object?.code === 410) return 'expired';
      throw new DebugError('api_unavailable', 'The pod watch reported an error.', {
        retryable: true,
        detail: JSON.stringify(event.object).slice(0, 300),
      });
    }
    if (!event.object || (event.type !== 'ADDED' && event.type !== 'MODIFIED' && event.type !== 'DELETED'))
      return undefined;
    this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
    if (event.type === 'DELETED') this.deleted = true;
    else this.latest = event.object as V1Pod;
    this.notify();
    return undefined;
  }
}
