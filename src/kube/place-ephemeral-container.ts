/**
 * Gets the plan's ephemeral container into the pod exactly once: adopt it when an earlier attempt already
 * added it, else check the per-pod cap and the profile, then one strategic-merge PATCH. A 409 or a 422
 * Duplicate re-reads the pod and adopts what is there.
 */
import type { V1EphemeralContainer, V1Pod } from '@kubernetes/client-node';
import { DebugError, isDebugError } from '../core/errors.js';
import type { ProfileName } from '../core/model.js';
import type { DebugPlan, Logger } from '../core/ports.js';
import { detectProfile } from './apply-debug-profile.js';
import { nonceOf } from './build-command-script.js';
import { buildEphemeralContainer, runsSameCommands } from './build-ephemeral-container.js';
import type { ProfileChooser } from './choose-profile.js';
import type { KubeApi } from './create-kube-api.js';
import { countOurContainers, findEphemeralContainer, targetRunAsUser } from './read-pod-state.js';

export interface Placement {
  /** The pod as returned by the PATCH (or read), including our container. */
  pod: V1Pod;
  adopted: boolean;
  profile: ProfileName;
  /** The wrapper's nonce; undefined when the single command is the container's argv. */
  nonce: string | undefined;
}

export interface PlacementDeps {
  api: KubeApi;
  profiles: ProfileChooser;
  randomNonce: () => string;
  log: Logger;
}

function adopt(
  plan: DebugPlan,
  pod: V1Pod,
  existing: V1EphemeralContainer,
  targetContainer: string,
): Placement {
  const nonce = nonceOf(existing.command);
  const expected = buildEphemeralContainer({
    name: plan.containerName,
    image: plan.request.image,
    targetContainer,
    profile: 'baseline',
    commands: plan.request.commands,
    nonce: nonce ?? '',
  });
  if (!runsSameCommands(existing, expected)) {
    throw new DebugError(
      'container_conflict',
      `Pod ${pod.metadata?.namespace}/${pod.metadata?.name} already has a container named ${plan.containerName} that runs a different image or commands; it was not reused.`,
    );
  }
  const profile = detectProfile(existing.securityContext) ?? plan.request.profile ?? plan.defaultProfile;
  return { pod, adopted: true, profile, nonce };
}

export async function placeEphemeralContainer(
  deps: PlacementDeps,
  plan: DebugPlan,
  pod: V1Pod,
  targetContainer: string,
  signal?: AbortSignal,
): Promise<Placement> {
  const { api } = deps;
  const namespace = plan.request.target.namespace;
  const podName = pod.metadata?.name ?? plan.request.target.name;
  const existing = findEphemeralContainer(pod, plan.containerName);
  if (existing) return adopt(plan, pod, existing, targetContainer);
  const ours = countOurContainers(pod);
  if (ours >= plan.maxContainersPerPod) {
    throw new DebugError(
      'container_cap_reached',
      `Pod ${namespace}/${podName} already has ${ours} debug containers (the limit is ${plan.maxContainersPerPod}). Ephemeral containers cannot be removed; restart the pod to clear them.`,
    );
  }
  const profile = await deps.profiles.choose(namespace, plan.request.profile, plan.defaultProfile, signal);
  const runAsUser = targetRunAsUser(pod, targetContainer);
  const nonce = plan.request.commands.length > 1 ? deps.randomNonce() : undefined;
  const spec = buildEphemeralContainer({
    name: plan.containerName,
    image: plan.request.image,
    targetContainer,
    profile,
    commands: plan.request.commands,
    nonce: nonce ?? '',
    ...(runAsUser !== undefined ? { targetRunAsUser: runAsUser } : {}),
  });
  try {
    const updated = await api.addEphemeralContainer(namespace, podName, spec, signal);
    deps.log.info({ pod: podName, profile }, 'ephemeral container added');
    return { pod: updated, adopted: false, profile, nonce };
  } catch (error) {
    if (!isDebugError(error) || error.code !== 'container_conflict') throw error;
    deps.log.warn(
      { err: error, pod: podName },
      'conflict adding the ephemeral container, re-reading the pod',
    );
    const fresh = await api.readPod(namespace, podName, signal);
    const found = findEphemeralContainer(fresh, plan.containerName);
    if (found) return adopt(plan, fresh, found, targetContainer);
    if ((error.cause as { code?: unknown } | undefined)?.code === 422) {
      throw new DebugError(
        'container_conflict',
        `Pod ${namespace}/${podName} already uses the name ${plan.containerName} for another container.`,
        { cause: error },
      );
    }
    const updated = await api.addEphemeralContainer(namespace, podName, spec, signal);
    return { pod: updated, adopted: false, profile, nonce };
  }
}
