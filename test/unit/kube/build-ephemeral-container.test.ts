import { describe, expect, it } from 'vitest';
import { DebugError } from '../../../src/core/errors.js';
import type { ProfileName } from '../../../src/core/model.js';
import {
  assertProfileAllowed,
  detectProfile,
  podSecurityLevel,
  profileForLevel,
} from '../../../src/kube/apply-debug-profile.js';
import {
  buildEphemeralContainer,
  pullPolicyFor,
  runsSameCommands,
} from '../../../src/kube/build-ephemeral-container.js';

const input = {
  name: 'dbg-abc',
  image: 'busybox:1.36',
  targetContainer: 'app',
  profile: 'general' as ProfileName,
  commands: [['ps', 'aux']],
  nonce: 'n0',
};

describe('buildEphemeralContainer', () => {
  it('builds only fields ephemeral containers allow, with the argv as command', () => {
    expect(buildEphemeralContainer(input)).toEqual({
      name: 'dbg-abc',
      image: 'busybox:1.36',
      command: ['ps', 'aux'],
      targetContainerName: 'app',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePolicy: 'File',
      stdin: false,
      tty: false,
      securityContext: { capabilities: { add: ['SYS_PTRACE'] } },
    });
  });

  it.each<[ProfileName, object | undefined]>([
    ['general', { capabilities: { add: ['SYS_PTRACE'] } }],
    ['baseline', undefined],
    [
      'restricted',
      {
        runAsNonRoot: true,
        runAsUser: 65534,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
    ],
    ['netadmin', { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } }],
    ['sysadmin', { privileged: true }],
  ])('profile %s sets the kubectl securityContext', (profile, securityContext) => {
    const ec = buildEphemeralContainer({ ...input, profile });
    expect(ec.securityContext).toEqual(securityContext);
    expect(detectProfile(ec.securityContext)).toBe(profile);
  });

  it('restricted reuses a non-root target uid and falls back to 65534 for root or unknown', () => {
    const uid = (targetRunAsUser?: number) =>
      buildEphemeralContainer({
        ...input,
        profile: 'restricted',
        ...(targetRunAsUser !== undefined ? { targetRunAsUser } : {}),
      }).securityContext?.runAsUser;
    expect([uid(1000), uid(0), uid()]).toEqual([1000, 65534, 65534]);
  });

  it('picks the pull policy the apiserver would default', () => {
    expect(
      [
        'busybox',
        'busybox:latest',
        'reg:5000/busybox',
        'busybox:1.36',
        'busybox@sha256:abc',
        'reg:5000/b:1',
      ].map(pullPolicyFor),
    ).toEqual(['Always', 'Always', 'Always', 'IfNotPresent', 'IfNotPresent', 'IfNotPresent']);
  });

  it('refuses empty command lists and empty argv', () => {
    expect(() => buildEphemeralContainer({ ...input, commands: [] })).toThrow(DebugError);
    expect(() => buildEphemeralContainer({ ...input, commands: [['ls'], []] })).toThrow(DebugError);
  });

  it('recognises an existing container that runs the same thing, whatever its profile', () => {
    const ec = buildEphemeralContainer({ ...input, commands: [['ls'], ['id']] });
    expect(runsSameCommands({ ...ec, securityContext: {} } as never, ec)).toBe(true);
    expect(runsSameCommands({ ...ec, image: 'busybox:1.37' }, ec)).toBe(false);
    expect(runsSameCommands({ ...ec, args: ['x'] }, ec)).toBe(false);
  });
});

describe('profiles and Pod Security levels', () => {
  it('reads the enforce label', () => {
    expect(podSecurityLevel({ 'pod-security.kubernetes.io/enforce': 'restricted' })).toBe('restricted');
    expect(podSecurityLevel({ 'pod-security.kubernetes.io/enforce': 'bogus' })).toBe('privileged');
    expect(podSecurityLevel(undefined)).toBe('privileged');
  });

  it('follows the level when no profile is requested', () => {
    expect(profileForLevel('restricted', 'general')).toBe('restricted');
    expect(profileForLevel('baseline', 'general')).toBe('baseline');
    expect(profileForLevel('privileged', 'netadmin')).toBe('netadmin');
    expect(profileForLevel(undefined, 'general')).toBe('general');
  });

  it('refuses profiles the level forbids and names the ones that work', () => {
    expect(() => assertProfileAllowed('restricted', 'restricted', 'ns')).not.toThrow();
    expect(() => assertProfileAllowed('baseline', 'baseline', 'ns')).not.toThrow();
    let error: DebugError | undefined;
    try {
      assertProfileAllowed('sysadmin', 'baseline', 'ns');
    } catch (e) {
      error = e as DebugError;
    }
    expect(error).toMatchObject({ code: 'policy_denied', retryable: false });
    expect(error?.userMessage).toContain('it runs the container privileged');
    expect(error?.userMessage).toContain('Use --profile baseline or restricted.');
  });
});
