/**
 * `PodDebugger` on Kubernetes ephemeral containers: resolve the pod and target container, add (or adopt)
 * the container, wait for it to start, collect output and exit codes. A new container with any number of
 * commands costs four calls in the steady state: GET pod, PATCH, one WATCH, one LOG (a second LOG
 * for output over 64 KiB, read again inside the worker's output slot).
 */
import { DebugError } from '../core/errors.js';
import type { CommandRun, DebugOutcome } from '../core/model.js';
import type { DebugPlan, DebugProgress, Logger, PodDebugger } from '../core/ports.js';
import { randomNonce } from './build-command-script.js';
import { ProfileChooser } from './choose-profile.js';
import { collectOutput } from './collect-output.js';
import type { KubeApi } from './create-kube-api.js';
import { type Placement, placeEphemeralContainer } from './place-ephemeral-container.js';
import { type ContainerState, countOurContainers, ephemeralState } from './read-pod-state.js';
import { assertPodRunning, resolveTargetContainer, resolveTargetPod } from './resolve-target.js';
import { waitForStart } from './wait-for-start.js';
import { PodWatcher } from './watch-pod.js';

export interface KubePodDebuggerOptions {
  logger: Logger;
  /** How long a namespace's Pod Security level is cached. Default 60 s. */
  namespaceCacheTtlMs?: number;
  /** Pause before re-opening a watch the server ended. Default 200 ms. */
  watchReconnectDelayMs?: number;
  randomNonce?: () => string;
}

type Hooks = Parameters<PodDebugger['run']>[1];

function notRun(argv: string[]): CommandRun {
  return { argv, output: '', outputBytes: 0, truncated: false };
}

export class KubePodDebugger implements PodDebugger {
  private readonly profiles: ProfileChooser;

  constructor(
    private readonly api: KubeApi,
    private readonly options: KubePodDebuggerOptions,
  ) {
    this.profiles = new ProfileChooser(api, options.logger, options.namespaceCacheTtlMs ?? 60_000);
  }

  async run(plan: DebugPlan, hooks: Hooks = {}): Promise<DebugOutcome> {
    const { request } = plan;
    const { signal } = hooks;
    const progress = (p: DebugProgress) => hooks.onProgress?.(p);
    const log = this.options.logger.child({
      requestId: request.id,
      namespace: request.target.namespace,
      container: plan.containerName,
    });
    if (signal?.aborted) throw new DebugError('cancelled', 'The request was cancelled before anything ran.');
    progress({ phase: 'creating' });
    const pod = await resolveTargetPod(this.api, request.target, plan.containerName, signal);
    assertPodRunning(pod);
    const targetContainer = resolveTargetContainer(pod, request.target.container);
    const placement = await placeEphemeralContainer(
      { api: this.api, profiles: this.profiles, randomNonce: this.options.randomNonce ?? randomNonce, log },
      plan,
      pod,
      targetContainer,
      signal,
    );
    if (placement.adopted) log.info({ pod: pod.metadata?.name }, 'adopted existing ephemeral container');
    const initial = ephemeralState(placement.pod, plan.containerName);
    const watcher =
      initial.kind === 'terminated'
        ? undefined
        : new PodWatcher(
            this.api,
            request.target.namespace,
            placement.pod.metadata?.name ?? '',
            placement.pod,
            log,
            this.options.watchReconnectDelayMs,
          ).start();
    try {
      return await this.afterPlacement(plan, placement, targetContainer, initial, watcher, log, hooks);
    } finally {
      watcher?.close();
    }
  }

  private async afterPlacement(
    plan: DebugPlan,
    placement: Placement,
    targetContainer: string,
    initial: ContainerState,
    watcher: PodWatcher | undefined,
    log: Logger,
    hooks: Hooks,
  ): Promise<DebugOutcome> {
    const { request } = plan;
    const podName = placement.pod.metadata?.name ?? request.target.name;
    const base = {
      containerName: plan.containerName,
      podName,
      namespace: request.target.namespace,
      targetContainer,
      image: request.image,
      profile: placement.profile,
      adopted: placement.adopted,
      ourContainersInPod: countOurContainers(placement.pod),
    };
    const notes = placement.adopted
      ? [`Reused the debug container ${plan.containerName} an earlier attempt added.`]
      : [];
    const staysNote = `The debug container ${plan.containerName} stays in the pod: ephemeral containers cannot be removed.`;
    const started = watcher
      ? await waitForStart(watcher, {
          containerName: plan.containerName,
          image: request.image,
          deadlineMs: plan.startDeadlineMs,
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
        })
      : ({ kind: 'started', state: initial } as const);
    if (started.kind !== 'started') {
      const cancelled = started.kind === 'cancelled';
      log.warn({ result: started.kind }, 'ephemeral container did not start');
      return {
        ...base,
        commands: request.commands.map(notRun),
        state: cancelled ? 'cancelled' : 'start_failed',
        reason: cancelled ? 'Cancelled before the debug container started.' : started.reason,
        notes: [
          ...notes,
          cancelled ? 'The container was already added and may still start and run the commands.' : staysNote,
        ],
      };
    }
    hooks.onProgress?.({ phase: 'running' });
    const collected = await collectOutput(this.api, watcher, log, {
      target: { namespace: request.target.namespace, pod: podName, container: plan.containerName },
      commands: request.commands,
      nonce: placement.nonce,
      initial: started.state,
      capBytes: plan.outputCapBytes,
      runDeadlineMs: plan.runDeadlineMs,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.outputSlot ? { outputSlot: hooks.outputSlot } : {}),
    });
    const imageId =
      collected.final?.imageId ??
      started.state.imageId ??
      ephemeralState(watcher?.pod ?? placement.pod, plan.containerName).imageId;
    log.info({ state: collected.state, commands: collected.commands.length }, 'debug run finished');
    return {
      ...base,
      ...(imageId ? { imageId } : {}),
      commands: collected.commands,
      state: collected.state,
      ...(collected.reason ? { reason: collected.reason } : {}),
      notes: [...notes, ...collected.notes],
    };
  }
}
