/**
 * Security contexts per debug profile, as `kubectl debug --profile` sets them on an ephemeral container
 * (kubectl pkg/cmd/debug/profiles.go), and which profiles each Pod Security level admits.
 */
import { DebugError } from '../core/errors.js';
import type { ProfileName } from '../core/model.js';

/** The securityContext fields the profiles set. */
export interface SecurityContextSpec {
  privileged?: boolean;
  runAsUser?: number;
  runAsNonRoot?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type: string };
}

/** A namespace's `pod-security.kubernetes.io/enforce` level. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** `nobody`: the non-root uid the restricted profile falls back to when the target runs as root or unknown. */
const NOBODY_UID = 65534;

const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

/**
 * The profile's securityContext. `restricted` also pins a numeric non-root `runAsUser` (the target's when it
 * is non-root), because `runAsNonRoot` alone leaves root images stuck in CreateContainerConfigError.
 */
export function securityContextFor(
  profile: ProfileName,
  targetRunAsUser?: number,
): SecurityContextSpec | undefined {
  switch (profile) {
    case 'general':
      return { capabilities: { add: ['SYS_PTRACE'] } };
    case 'baseline':
      return undefined;
    case 'restricted':
      return {
        runAsNonRoot: true,
        runAsUser: targetRunAsUser !== undefined && targetRunAsUser > 0 ? targetRunAsUser : NOBODY_UID,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      };
    case 'netadmin':
      return { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } };
    case 'sysadmin':
      return { privileged: true };
  }
}

/** Which profile produced a securityContext (for adopted containers); undefined when none matches. */
export function detectProfile(sc: SecurityContextSpec | undefined): ProfileName | undefined {
  if (!sc || Object.keys(sc).length === 0) return 'baseline';
  if (sc.privileged) return 'sysadmin';
  if (sc.runAsNonRoot && sc.capabilities?.drop?.includes('ALL')) return 'restricted';
  const add = sc.capabilities?.add ?? [];
  if (add.includes('NET_ADMIN')) return 'netadmin';
  if (add.includes('SYS_PTRACE')) return 'general';
  return undefined;
}

export function podSecurityLevel(labels: Record<string, string> | undefined): PodSecurityLevel {
  const value = labels?.[ENFORCE_LABEL];
  return value === 'baseline' || value === 'restricted' ? value : 'privileged';
}

const ALLOWED: Record<PodSecurityLevel, ProfileName[]> = {
  privileged: ['general', 'baseline', 'restricted', 'netadmin', 'sysadmin'],
  baseline: ['baseline', 'restricted'],
  restricted: ['restricted'],
};

const WHY_FORBIDDEN: Record<ProfileName, string> = {
  general: 'it adds the SYS_PTRACE capability',
  netadmin: 'it adds the NET_ADMIN and NET_RAW capabilities',
  sysadmin: 'it runs the container privileged',
  baseline: 'it does not run as non-root with all capabilities dropped and a seccomp profile',
  restricted: '',
};

/** The profile to use when the request names none: the namespace's level when it enforces one, else the default. */
export function profileForLevel(level: PodSecurityLevel | undefined, fallback: ProfileName): ProfileName {
  return level === 'restricted' || level === 'baseline' ? level : fallback;
}

/** Refuses, before anything is added to the pod, a profile Pod Security would reject. */
export function assertProfileAllowed(profile: ProfileName, level: PodSecurityLevel, namespace: string): void {
  if (ALLOWED[level].includes(profile)) return;
  const options = ALLOWED[level].join(' or ');
  throw new DebugError(
    'policy_denied',
    `Namespace ${namespace} enforces Pod Security "${level}", which forbids the ${profile} profile (${WHY_FORBIDDEN[profile]}). Use --profile ${options}.`,
    { detail: `profile ${profile} not admitted by level ${level}` },
  );
}
