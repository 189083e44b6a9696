/**
 * Picks the debug profile for a namespace and refuses, before any PATCH, one its Pod Security level forbids.
 * Namespace levels are cached briefly so the steady state adds no API call per request.
 */
import type { ProfileName } from '../core/model.js';
import type { Logger } from '../core/ports.js';
import {
  assertProfileAllowed,
  type PodSecurityLevel,
  podSecurityLevel,
  profileForLevel,
} from './apply-debug-profile.js';
import type { KubeApi } from './create-kube-api.js';

interface CacheEntry {
  expires: number;
  level: Promise<PodSecurityLevel | undefined>;
}

export class ProfileChooser {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly api: KubeApi,
    private readonly log: Logger,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The profile to use: the requested one if the namespace admits it, else (none requested) the one its
   * level calls for. `restricted` passes every level, so it needs no lookup.
   */
  async choose(
    namespace: string,
    requested: ProfileName | undefined,
    fallback: ProfileName,
    signal?: AbortSignal,
  ) {
    if (requested === 'restricted') return requested;
    const level = await this.level(namespace, signal);
    const profile = requested ?? profileForLevel(level, fallback);
    if (level) assertProfileAllowed(profile, level, namespace);
    return profile;
  }

  /** The namespace's enforce level; undefined when it cannot be read (Pod Security will still judge the PATCH). */
  private level(namespace: string, signal?: AbortSignal): Promise<PodSecurityLevel | undefined> {
    const hit = this.cache.get(namespace);
    if (hit && hit.expires > this.now()) return withSignal(hit.level, signal);
    // Shared by every job in the namespace, so it must not carry one caller's cancel signal.
    const level = this.api.readNamespace(namespace).then(
      (ns) => podSecurityLevel(ns.metadata?.labels),
      (error: unknown) => {
        this.cache.delete(namespace);
        this.log.warn({ err: error, namespace }, 'namespace Pod Security level unknown');
        return undefined;
      },
    );
    this.cache.set(namespace, { expires: this.now() + this.ttlMs, level });
    return withSignal(level, signal);
  }
}

/** The caller stops waiting when its own signal aborts; the shared lookup goes on for the others. */
function withSignal<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
