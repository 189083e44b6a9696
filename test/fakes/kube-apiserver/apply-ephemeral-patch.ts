/**
 * Applies a PATCH/PUT body on the `ephemeralcontainers` subresource and returns the resulting list of
 * ephemeral containers (the strategy keeps nothing else of the body: REFERENCE A.1).
 */
import { badRequest, type Reply, statusReply, unsupportedMediaType } from './build-status-reply.js';
import { type ContainerJson, isRecord, type PodJson } from './types.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

export type PatchOutcome =
  | { ok: true; ephemeralContainers: ContainerJson[]; preconditionResourceVersion?: string }
  | { ok: false; reply: Reply };

/** Lists inside a container that strategic merge merges by key instead of replacing. */
const MERGE_KEYS: Record<string, string> = {
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
};

export function applyEphemeralPatch(
  pod: PodJson,
  method: string,
  contentType: string,
  raw: string,
): PatchOutcome {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (method === 'PUT') {
    // An update takes the object itself, as JSON (REFERENCE A.1); patch media types are for PATCH.
    if (type !== 'application/json') return { ok: false, reply: unsupportedMediaType(['application/json']) };
    return fromFullPod(pod, raw);
  }
  if (type !== PATCH_TYPES.json && type !== PATCH_TYPES.merge && type !== PATCH_TYPES.strategic) {
    return {
      ok: false,
      reply: unsupportedMediaType([
        PATCH_TYPES.json,
        PATCH_TYPES.merge,
        'application/apply-patch+yaml',
        PATCH_TYPES.strategic,
      ]),
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reply: badRequest(`error decoding patch: ${(error as Error).message}`) };
  }
  if (type === PATCH_TYPES.json) return applyJsonPatch(pod, body);
  if (!isRecord(body))
    return { ok: false, reply: badRequest('error decoding patch: the patch is not a JSON object') };
  const precondition = readResourceVersion(body);
  const current = structuredClone(pod.spec.ephemeralContainers ?? []);
  const spec = isRecord(body.spec) ? body.spec : undefined;
  let list = current;
  if (spec && 'ephemeralContainers' in spec) {
    const patchList = spec.ephemeralContainers;
    if (patchList === null) list = [];
    else if (!Array.isArray(patchList))
      return { ok: false, reply: badRequest('spec.ephemeralContainers must be a list') };
    else
      list =
        type === PATCH_TYPES.merge
          ? (patchList as ContainerJson[])
          : strategicMergeList(current, patchList, 'name');
  }
  return {
    ok: true,
    ephemeralContainers: list,
    ...(precondition ? { preconditionResourceVersion: precondition } : {}),
  };
}

function fromFullPod(pod: PodJson, raw: string): PatchOutcome {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    return { ok: false, reply: badRequest(`error decoding body: ${(error as Error).message}`) };
  }
  if (!isRecord(body) || !isRecord(body.spec))
    return { ok: false, reply: badRequest('the body must be a Pod') };
  const bodyName = isRecord(body.metadata) ? body.metadata.name : undefined;
  if (bodyName !== pod.metadata.name) {
    return {
      ok: false,
      reply: badRequest(
        `the name of the object (${String(bodyName ?? '')}) does not match the name on the URL (${pod.metadata.name})`,
      ),
    };
  }
  const list = Array.isArray(body.spec.ephemeralContainers)
    ? (body.spec.ephemeralContainers as ContainerJson[])
    : [];
  const precondition = readResourceVersion(body);
  return {
    ok: true,
    ephemeralContainers: list,
    ...(precondition ? { preconditionResourceVersion: precondition } : {}),
  };
}

function readResourceVersion(body: Record<string, unknown>): string | undefined {
  const rv = isRecord(body.metadata) ? body.metadata.resourceVersion : undefined;
  return typeof rv === 'string' && rv !== '' ? rv : undefined;
}

/** Strategic merge of a list with a merge key: patch elements merge into the element with the same key, or append. */
function strategicMergeList(current: unknown[], patch: unknown[], key: string): ContainerJson[] {
  const out = [...current] as Array<Record<string, unknown>>;
  for (const item of patch) {
    if (!isRecord(item)) continue;
    const index = out.findIndex((c) => c[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
    } else if (index >= 0) {
      out[index] = strategicMergeMap(out[index]!, item);
    } else {
      out.push(strategicMergeMap({}, item));
    }
  }
  return out as ContainerJson[];
}

function strategicMergeMap(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v) && MERGE_KEYS[k] && Array.isArray(out[k]))
      out[k] = strategicMergeList(out[k] as unknown[], v, MERGE_KEYS[k]);
    else if (isRecord(v) && isRecord(out[k]))
      out[k] = strategicMergeMap(out[k] as Record<string, unknown>, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** RFC 6902 on the Pod JSON (add/remove/replace/test); apply failures are 422 like the apiserver's. */
function applyJsonPatch(pod: PodJson, body: unknown): PatchOutcome {
  if (!Array.isArray(body)) {
    return {
      ok: false,
      reply: badRequest(
        'error decoding patch: json: cannot unmarshal object into Go value of type jsonpatch.Patch',
      ),
    };
  }
  const doc = structuredClone(pod) as unknown as Record<string, unknown>;
  for (const op of body) {
    const error = isRecord(op) ? applyOperation(doc, op) : 'invalid operation';
    if (error) return { ok: false, reply: statusReply(422, 'Invalid', error) };
  }
  const spec = doc.spec as Record<string, unknown>;
  const list = Array.isArray(spec.ephemeralContainers) ? (spec.ephemeralContainers as ContainerJson[]) : [];
  // A patch that sets metadata.resourceVersion makes it a precondition, as for the other patch types.
  const precondition = readResourceVersion(doc);
  return {
    ok: true,
    ephemeralContainers: list,
    ...(precondition && precondition !== pod.metadata.resourceVersion
      ? { preconditionResourceVersion: precondition }
      : {}),
  };
}

function applyOperation(doc: Record<string, unknown>, op: Record<string, unknown>): string | undefined {
  const path = typeof op.path === 'string' ? op.path : '';
  const tokens = path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = tokens.pop();
  let parent: unknown = doc;
  for (const token of tokens) {
    parent = Array.isArray(parent) ? parent[Number(token)] : isRecord(parent) ? parent[token] : undefined;
  }
  const missing = `jsonpatch ${String(op.op)} operation does not apply: doc is missing path: ${JSON.stringify(path)}`;
  if (last === undefined || (parent === undefined && op.op !== 'test')) return missing;
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) return missing;
    if (op.op === 'add') parent.splice(index, 0, structuredClone(op.value));
    else if (op.op === 'remove' && index < parent.length) parent.splice(index, 1);
    else if (op.op === 'replace' && index < parent.length) parent[index] = structuredClone(op.value);
    else if (op.op === 'test')
      return JSON.stringify(parent[index]) === JSON.stringify(op.value) ? undefined : 'testing value failed';
    else return missing;
    return undefined;
  }
  if (!isRecord(parent)) return missing;
  if (op.op === 'add' || (op.op === 'replace' && last in parent)) parent[last] = structuredClone(op.value);
  else if (op.op === 'remove' && last in parent) delete parent[last];
  else if (op.op === 'test')
    return JSON.stringify(parent[last]) === JSON.stringify(op.value) ? undefined : 'testing value failed';
  else return missing;
  return undefined;
}
