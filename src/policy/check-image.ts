import {
  type ImageReference,
  normaliseRegistry,
  parseImageReference,
  shortImageName,
  splitRegistry,
} from '../core/parse-image-reference.js';
import { matchGlob } from './match-glob.js';
import type { DebugPolicy } from './policy-schema.js';
import { listForMessage, showValue } from './show-value.js';

/**
 * Checks an image against `images` policy: a valid reference, on the allow list, not `:latest` or
 * untagged (when `denyLatest`, unless pinned by digest), pinned by digest (when `requireDigest`).
 * Returns why not, or `undefined` when the image may be used.
 */
export function checkImage(image: string, policy: DebugPolicy['images']): string | undefined {
  const parsed = parseImageReference(image);
  if (!parsed.ok) {
    return `image ${showValue(image)} is not a valid image reference (${parsed.problem}); write it as [registry/]name:tag, e.g. busybox:1.36`;
  }
  const reference = parsed.reference;
  const name = shortImageName(reference);
  if (policy.denyLatest && reference.digest === undefined && (reference.tag ?? 'latest') === 'latest') {
    const what = reference.tag === undefined ? 'has no tag (that means :latest)' : 'uses :latest';
    return `image ${showValue(image)} ${what}, which is not allowed; pin a version, e.g. ${name}:<version> or ${name}@sha256:<digest>`;
  }
  if (!policy.allow.some((pattern) => matchImagePattern(pattern, reference))) {
    return `image ${showValue(image)} is not allowed here (allowed: ${listForMessage(policy.allow)}); use one of those or ask an admin to extend images.allow`;
  }
  if (policy.requireDigest && reference.digest === undefined) {
    return `image ${showValue(image)} is not pinned by digest; use ${name}@sha256:<digest>`;
  }
  return undefined;
}

/**
 * One allow-list pattern against a parsed reference. The pattern's name part is normalised like a
 * reference (`busybox` → `docker.io/library/busybox`) and glob-matched on `registry/repository`;
 * a `:tag` part glob-matches the tag (`:*` also admits digest-only references); an `@digest` part
 * glob-matches the digest. `*` alone matches everything.
 */
export function matchImagePattern(pattern: string, reference: ImageReference): boolean {
  if (pattern === '*') return true;
  const { nameGlob, tagGlob, digestGlob } = splitPattern(pattern);
  if (!matchGlob(nameGlob, `${reference.registry}/${reference.repository}`)) return false;
  if (
    digestGlob !== undefined &&
    (reference.digest === undefined || !matchGlob(digestGlob, reference.digest))
  ) {
    return false;
  }
  if (tagGlob === undefined) return true;
  if (reference.tag !== undefined) return matchGlob(tagGlob, reference.tag);
  return tagGlob === '*' && reference.digest !== undefined;
}

interface PatternParts {
  nameGlob: string;
  tagGlob: string | undefined;
  digestGlob: string | undefined;
}

// Allow-list patterns come from the config, so this stays small; it spares every request re-splitting them.
const splitPatterns = new Map<string, PatternParts>();

function splitPattern(pattern: string): PatternParts {
  let parts = splitPatterns.get(pattern);
  if (parts) return parts;
  const at = pattern.indexOf('@');
  const withTag = at === -1 ? pattern : pattern.slice(0, at);
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > withTag.lastIndexOf('/');
  parts = {
    nameGlob: normaliseNamePattern(hasTag ? withTag.slice(0, colon) : withTag),
    tagGlob: hasTag ? withTag.slice(colon + 1) : undefined,
    digestGlob: at === -1 ? undefined : pattern.slice(at + 1),
  };
  if (splitPatterns.size < 1000) splitPatterns.set(pattern, parts);
  return parts;
}

function normaliseNamePattern(name: string): string {
  const split = splitRegistry(name);
  const registry = normaliseRegistry(split.registry);
  const path = registry === 'docker.io' && !split.path.includes('/') ? `library/${split.path}` : split.path;
  return `${registry}/${path}`;
}
