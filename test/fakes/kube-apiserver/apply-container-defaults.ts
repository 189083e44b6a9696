/**
 * `SetDefaults_Container` (k/k pkg/apis/core/v1/defaults.go) and the decoder's dropping of unknown fields,
 * applied to every container the fake stores so the returned Pod looks like a real one.
 */
import type { ContainerJson } from './types.js';

/** Fields of `v1.EphemeralContainer` (1.34). Anything else is dropped by the decoder. */
export const EPHEMERAL_CONTAINER_FIELDS = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'restartPolicy',
  'restartPolicyRules',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
  'targetContainerName',
]);

/** The tag `parsers.ParseImageName` reports: `latest` when neither tag nor digest is given. */
export function imageTag(image: string): string {
  const [withoutDigest, digest] = image.split('@', 2);
  const name = withoutDigest ?? '';
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) return name.slice(colon + 1);
  return digest === undefined ? 'latest' : '';
}

export function applyContainerDefaults(container: ContainerJson): ContainerJson {
  const out: ContainerJson = { ...container };
  for (const key of Object.keys(out)) {
    if (!EPHEMERAL_CONTAINER_FIELDS.has(key) || out[key] === null) delete out[key];
  }
  if (!out.terminationMessagePath) out.terminationMessagePath = '/dev/termination-log';
  if (!out.terminationMessagePolicy) out.terminationMessagePolicy = 'File';
  if (!out.imagePullPolicy)
    out.imagePullPolicy = imageTag(out.image ?? '') === 'latest' ? 'Always' : 'IfNotPresent';
  return out;
}
