/**
 * Pod Security Admission for the `ephemeralcontainers` subresource (REFERENCE A.6): the whole pod, ephemeral
 * containers included, is checked against the namespace's `enforce` level. Implements the checks that matter
 * for debug containers; AppArmor, SELinux, procMount, sysctls, volume types and Windows are not modelled.
 */
import type { ContainerJson, PodJson } from './types.js';

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

interface Violation {
  id: string;
  reason: string;
  detail: string;
}

function quoteList(names: string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

function containers(names: string[]): string {
  return `${names.length === 1 ? 'container' : 'containers'} ${quoteList(names)}`;
}

function allContainers(pod: PodJson): ContainerJson[] {
  return [
    ...(pod.spec.initContainers ?? []),
    ...pod.spec.containers,
    ...(pod.spec.ephemeralContainers ?? []),
  ];
}

function baselineChecks(pod: PodJson, restricted: boolean): Violation[] {
  const out: Violation[] = [];
  const all = allContainers(pod);
  if (!restricted) {
    const bad = all.filter((c) =>
      (c.securityContext?.capabilities?.add ?? []).some((cap) => !BASELINE_CAPABILITIES.has(cap)),
    );
    if (bad.length) {
      const caps = [...new Set(bad.flatMap((c) => c.securityContext?.capabilities?.add ?? []))].filter(
        (cap) => !BASELINE_CAPABILITIES.has(cap),
      );
      const detail = `${containers(bad.map((c) => c.name))} must not include ${quoteList(caps)} in securityContext.capabilities.add`;
      out.push({ id: 'capabilities_baseline', reason: 'non-default capabilities', detail });
    }
  }
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => pod.spec[k] === true);
  if (hostNs.length) {
    out.push({
      id: 'hostNamespaces',
      reason: 'host namespaces',
      detail: hostNs.map((k) => `${k}=true`).join(', '),
    });
  }
  const hostPaths = (pod.spec.volumes ?? []).filter((v) => v.hostPath !== undefined).map((v) => v.name);
  if (hostPaths.length) {
    const detail = `${hostPaths.length === 1 ? 'volume' : 'volumes'} ${quoteList(hostPaths)}`;
    out.push({ id: 'hostPathVolumes', reason: 'hostPath volumes', detail });
  }
  const privileged = all.filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
  if (privileged.length) {
    const detail = `${containers(privileged)} must not set securityContext.privileged=true`;
    out.push({ id: 'privileged', reason: 'privileged', detail });
  }
  if (!restricted) {
    const unconfined = all
      .filter((c) => c.securityContext?.seccompProfile?.type === 'Unconfined')
      .map((c) => c.name);
    if (unconfined.length) {
      const detail = `${containers(unconfined)} must not set securityContext.seccompProfile.type to "Unconfined"`;
      out.push({ id: 'seccompProfile_baseline', reason: 'seccompProfile', detail });
    }
  }
  return out;
}

function restrictedChecks(pod: PodJson): Violation[] {
  const out: Violation[] = [];
  const all = allContainers(pod);
  const podSc = pod.spec.securityContext ?? {};
  const escalating = all
    .filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
    .map((c) => c.name);
  if (escalating.length) {
    const detail = `${containers(escalating)} must set securityContext.allowPrivilegeEscalation=false`;
    out.push({ id: 'allowPrivilegeEscalation', reason: 'allowPrivilegeEscalation != false', detail });
  }
  const noDrop = all
    .filter((c) => !(c.securityContext?.capabilities?.drop ?? []).includes('ALL'))
    .map((c) => c.name);
  const badAdd = all.filter((c) =>
    (c.securityContext?.capabilities?.add ?? []).some((cap) => cap !== 'NET_BIND_SERVICE'),
  );
  const capDetails: string[] = [];
  if (noDrop.length)
    capDetails.push(`${containers(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (badAdd.length) {
    const caps = [...new Set(badAdd.flatMap((c) => c.securityContext?.capabilities?.add ?? []))].filter(
      (c) => c !== 'NET_BIND_SERVICE',
    );
    capDetails.push(
      `${containers(badAdd.map((c) => c.name))} must not include ${quoteList(caps)} in securityContext.capabilities.add`,
    );
  }
  if (capDetails.length)
    out.push({
      id: 'capabilities_restricted',
      reason: 'unrestricted capabilities',
      detail: capDetails.join('; '),
    });
  const podNonRoot = podSc.runAsNonRoot === true;
  const explicitRoot = all.filter((c) => c.securityContext?.runAsNonRoot === false).map((c) => c.name);
  const unsetNonRoot = podNonRoot
    ? []
    : all.filter((c) => c.securityContext?.runAsNonRoot === undefined).map((c) => c.name);
  const nonRootDetails: string[] = [];
  if (podSc.runAsNonRoot === false)
    nonRootDetails.push('pod must not set securityContext.runAsNonRoot=false');
  if (explicitRoot.length)
    nonRootDetails.push(`${containers(explicitRoot)} must not set securityContext.runAsNonRoot=false`);
  if (unsetNonRoot.length)
    nonRootDetails.push(`pod or ${containers(unsetNonRoot)} must set securityContext.runAsNonRoot=true`);
  if (nonRootDetails.length)
    out.push({ id: 'runAsNonRoot', reason: 'runAsNonRoot != true', detail: nonRootDetails.join('; ') });
  const rootUsers = all.filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
  const userDetails: string[] = [];
  if (podSc.runAsUser === 0) userDetails.push('pod must not set runAsUser=0');
  if (rootUsers.length) userDetails.push(`${containers(rootUsers)} must not set runAsUser=0`);
  if (userDetails.length)
    out.push({ id: 'runAsUser', reason: 'runAsUser=0', detail: userDetails.join('; ') });
  const okSeccomp = (t: string | undefined) => t === 'RuntimeDefault' || t === 'Localhost';
  const podSeccomp = okSeccomp(podSc.seccompProfile?.type);
  const badSeccomp = all
    .filter((c) => {
      const t = c.securityContext?.seccompProfile?.type;
      return t === undefined ? !podSeccomp : !okSeccomp(t);
    })
    .map((c) => c.name);
  if (badSeccomp.length) {
    const detail = `pod or ${containers(badSeccomp)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`;
    out.push({ id: 'seccompProfile_restricted', reason: 'seccompProfile', detail });
  }
  return out;
}

/** Violations as PSA prints them (`reason (detail)`), ordered by check id; empty when the pod is allowed. */
export function checkPodSecurity(pod: PodJson, level: PodSecurityLevel): string[] {
  if (level === 'privileged') return [];
  const restricted = level === 'restricted';
  const violations = [...baselineChecks(pod, restricted), ...(restricted ? restrictedChecks(pod) : [])];
  return violations.sort((a, b) => a.id.localeCompare(b.id)).map((v) => `${v.reason} (${v.detail})`);
}

/** The namespace's enforce level from its labels; anything unknown counts as privileged. */
export function enforceLevel(labels: Record<string, string> | undefined): {
  level: PodSecurityLevel;
  version: string;
} {
  const value = labels?.['pod-security.kubernetes.io/enforce'];
  const level = value === 'baseline' || value === 'restricted' ? value : 'privileged';
  return { level, version: labels?.['pod-security.kubernetes.io/enforce-version'] ?? 'latest' };
}
