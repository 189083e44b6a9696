/**
 * `ValidatePodEphemeralContainersUpdate` as far as ephemeral containers go (REFERENCE A.2), with the field
 * error strings of apimachinery's `field.Error.ErrorBody` and the `Invalid` Status envelope of `NewInvalid`.
 */
import { EPHEMERAL_CONTAINER_FIELDS } from './apply-container-defaults.js';
import { type Reply, type StatusCause, statusReply } from './build-status-reply.js';
import { type ContainerJson, jsonEqual, type PodJson } from './types.js';

type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueForbidden'
  | 'FieldValueNotFound'
  | 'FieldValueDuplicate'
  | 'FieldValueNotSupported';

/** One `field.Error`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  value?: unknown;
  detail?: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueRequired: 'Required value',
  FieldValueInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotFound: 'Not found',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotSupported: 'Unsupported value',
};

/** Allowed by `allowedEphemeralContainerFields`; every other field must be its zero value. */
const ALLOWED_FIELDS = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'envFrom',
  'env',
  'volumeMounts',
  'volumeDevices',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
  'targetContainerName',
]);
/** Every other field, in struct order (the real check reflects over `EphemeralContainerCommon`: deny by default). */
const FORBIDDEN_FIELDS = [...EPHEMERAL_CONTAINER_FIELDS].filter((f) => !ALLOWED_FIELDS.has(f));
const NOT_ALLOWED = 'cannot be set for an Ephemeral Container';
const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

export function errorBody(error: FieldError): string {
  let text = TYPE_TEXT[error.type];
  if (
    error.type !== 'FieldValueRequired' &&
    error.type !== 'FieldValueForbidden' &&
    error.value !== undefined
  ) {
    text += `: ${JSON.stringify(error.value)}`;
  }
  return error.detail ? `${text}: ${error.detail}` : text;
}

/** `NewInvalid(Pod, name, errs)`: 422 with one cause per error and the aggregate message. */
export function invalidReply(kind: string, name: string, errors: FieldError[]): Reply {
  const causes: StatusCause[] = errors.map((e) => ({
    reason: e.type,
    message: errorBody(e),
    field: e.field,
  }));
  const texts = [...new Set(errors.map((e) => `${e.field}: ${errorBody(e)}`))];
  const aggregate = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return statusReply(422, 'Invalid', `${kind} "${name}" is invalid: ${aggregate}`, { name, kind, causes });
}

/** A struct field is zero when unset; only `resources` is a struct, the others are pointers or slices. */
function isZero(field: string, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field === 'resources' && typeof value === 'object') {
    return Object.values(value as Record<string, unknown>).every((v) => v === undefined || v === null);
  }
  return false;
}

function validateDns1123Label(value: string, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (value.length > 63)
    errors.push({ type: 'FieldValueInvalid', field, value, detail: 'must be no more than 63 characters' });
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value);
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value,
      detail: subdomain ? 'must not contain dots' : DNS1123_LABEL,
    });
  }
  return errors;
}

function validateEnum(value: string | undefined, field: string, supported: string[]): FieldError[] {
  if (!value) return [{ type: 'FieldValueRequired', field }];
  if (supported.includes(value)) return [];
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return [{ type: 'FieldValueNotSupported', field, value, detail: `supported values: ${list}` }];
}

function validateVolumeMounts(c: ContainerJson, pod: PodJson, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const volumes = new Set((pod.spec.volumes ?? []).map((v) => v.name));
  const seen = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, j) => {
    const at = `${path}.volumeMounts[${j}]`;
    if (!m.name) errors.push({ type: 'FieldValueRequired', field: `${at}.name` });
    if (!volumes.has(m.name))
      errors.push({ type: 'FieldValueNotFound', field: `${at}.name`, value: m.name ?? '' });
    if (!m.mountPath) errors.push({ type: 'FieldValueRequired', field: `${at}.mountPath` });
    if (seen.has(m.mountPath)) {
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.mountPath`,
        value: m.mountPath,
        detail: 'must be unique',
      });
    }
    seen.add(m.mountPath);
  });
  return errors;
}

function validateSecurityContext(c: ContainerJson, path: string): FieldError[] {
  const sc = c.securityContext;
  if (!sc) return [];
  const errors: FieldError[] = [];
  if (sc.runAsUser !== undefined && (sc.runAsUser < 0 || sc.runAsUser > 2147483647)) {
    const detail = 'must be between 0 and 2147483647, inclusive';
    errors.push({
      type: 'FieldValueInvalid',
      field: `${path}.securityContext.runAsUser`,
      value: sc.runAsUser,
      detail,
    });
  }
  if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
    const detail = 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true';
    errors.push({ type: 'FieldValueInvalid', field: `${path}.securityContext`, value: sc, detail });
  }
  return errors;
}

/** `validateContainerCommon` + `validateContainerOnlyForPod` for one ephemeral container. */
function validateCommon(c: ContainerJson, pod: PodJson, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!c.name) errors.push({ type: 'FieldValueRequired', field: `${path}.name` });
  else errors.push(...validateDns1123Label(c.name, `${path}.name`));
  if (!c.image) errors.push({ type: 'FieldValueRequired', field: `${path}.image` });
  errors.push(
    ...validateEnum(c.terminationMessagePolicy, `${path}.terminationMessagePolicy`, [
      'File',
      'FallbackToLogsOnError',
    ]),
  );
  (c.env ?? []).forEach((e, j) => {
    if (!e.name) errors.push({ type: 'FieldValueRequired', field: `${path}.env[${j}].name` });
  });
  errors.push(...validateVolumeMounts(c, pod, path));
  errors.push(
    ...validateEnum(c.imagePullPolicy, `${path}.imagePullPolicy`, ['Always', 'IfNotPresent', 'Never']),
  );
  errors.push(...validateSecurityContext(c, path));
  if (c.image && c.image !== c.image.trim()) {
    const detail = 'must not have leading or trailing whitespace';
    errors.push({ type: 'FieldValueInvalid', field: `${path}.image`, value: c.image, detail });
  }
  return errors;
}

/** All rule violations of `newList` replacing `oldPod`'s ephemeral containers, in the order the apiserver lists them. */
export function validateEphemeralContainers(oldPod: PodJson, newList: ContainerJson[]): FieldError[] {
  const errors: FieldError[] = [];
  const regular = [...oldPod.spec.containers, ...(oldPod.spec.initContainers ?? [])].map((c) => c.name);
  const otherNames = new Set(regular);
  const allNames = new Set(regular);
  newList.forEach((ec, i) => {
    const path = `spec.ephemeralContainers[${i}]`;
    errors.push(...validateCommon(ec, oldPod, path));
    if (allNames.has(ec.name))
      errors.push({ type: 'FieldValueDuplicate', field: `${path}.name`, value: ec.name });
    else allNames.add(ec.name);
    if (ec.targetContainerName && !otherNames.has(ec.targetContainerName)) {
      errors.push({
        type: 'FieldValueNotFound',
        field: `${path}.targetContainerName`,
        value: ec.targetContainerName,
      });
    }
    for (const field of FORBIDDEN_FIELDS) {
      if (!isZero(field, ec[field])) {
        errors.push({ type: 'FieldValueForbidden', field: `${path}.${field}`, detail: NOT_ALLOWED });
      }
    }
    (ec.volumeMounts ?? []).forEach((m, j) => {
      for (const sub of ['subPath', 'subPathExpr'] as const) {
        if (m[sub])
          errors.push({
            type: 'FieldValueForbidden',
            field: `${path}.volumeMounts[${j}].${sub}`,
            detail: NOT_ALLOWED,
          });
      }
    });
  });
  const byName = new Map(newList.map((ec) => [ec.name, ec]));
  for (const old of oldPod.spec.ephemeralContainers ?? []) {
    const next = byName.get(old.name);
    if (!next) {
      const detail = `existing ephemeral containers ${JSON.stringify(old.name)} may not be removed\n`;
      errors.push({ type: 'FieldValueForbidden', field: 'spec.ephemeralContainers', detail });
    } else if (!jsonEqual(old, next)) {
      const detail = `existing ephemeral containers ${JSON.stringify(old.name)} may not be changed\n${describeDiff(old, next)}`;
      errors.push({ type: 'FieldValueForbidden', field: 'spec.ephemeralContainers', detail });
    }
  }
  return errors;
}

function describeDiff(old: ContainerJson, next: ContainerJson): string {
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  const changed = [...keys].filter((k) => !jsonEqual(old[k], next[k]));
  return changed.map((k) => `  ${k}: ${JSON.stringify(old[k])} -> ${JSON.stringify(next[k])}`).join('\n');
}
