/**
 * Pure builder of the ephemeral container spec, like kubectl's `generateDebugContainer` plus the profile,
 * but with an idempotent name and only the fields the apiserver allows for ephemeral containers.
 */
import { DebugError } from '../core/errors.js';
import type { ProfileName } from '../core/model.js';
import { type SecurityContextSpec, securityContextFor } from './apply-debug-profile.js';
import { buildContainerCommand } from './build-command-script.js';

/** The ephemeral container as sent in the PATCH body (a subset of `v1.EphemeralContainer`). */
export interface EphemeralContainerSpec {
  name: string;
  image: string;
  command: string[];
  targetContainerName: string;
  imagePullPolicy: 'Always' | 'IfNotPresent';
  terminationMessagePolicy: 'File';
  stdin: false;
  tty: false;
  securityContext?: SecurityContextSpec;
}

export interface EphemeralContainerInput {
  name: string;
  image: string;
  targetContainer: string;
  profile: ProfileName;
  /** Each argv exactly as the user typed it. */
  commands: string[][];
  /** Random per container; only used when there is more than one command. */
  nonce: string;
  /** The target's effective runAsUser, reused by the restricted profile when non-root. */
  targetRunAsUser?: number;
}

/** `Always` for `:latest` or untagged images (what the apiserver would default), else `IfNotPresent`. */
export function pullPolicyFor(image: string): 'Always' | 'IfNotPresent' {
  const [name = '', digest] = image.split('@', 2);
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  if (tag === undefined) return digest === undefined ? 'Always' : 'IfNotPresent';
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function buildEphemeralContainer(input: EphemeralContainerInput): EphemeralContainerSpec {
  if (input.commands.length === 0 || input.commands.some((argv) => argv.length === 0)) {
    throw new DebugError('invalid_input', 'Give at least one command, and no empty command.');
  }
  const securityContext = securityContextFor(input.profile, input.targetRunAsUser);
  return {
    name: input.name,
    image: input.image,
    command: buildContainerCommand(input.commands, input.nonce),
    targetContainerName: input.targetContainer,
    imagePullPolicy: pullPolicyFor(input.image),
    terminationMessagePolicy: 'File',
    stdin: false,
    tty: false,
    ...(securityContext ? { securityContext } : {}),
  };
}

/** True when an existing container runs what `expected` would (image, target and argv); the profile may differ. */
export function runsSameCommands(
  existing: { image?: string; command?: string[]; args?: string[]; targetContainerName?: string },
  expected: EphemeralContainerSpec,
): boolean {
  return (
    existing.image === expected.image &&
    existing.targetContainerName === expected.targetContainerName &&
    (existing.args ?? []).length === 0 &&
    JSON.stringify(existing.command ?? []) === JSON.stringify(expected.command)
  );
}
