/** An image reference split and normalised the way Docker and the kubelet read it. */
export interface ImageReference {
  /** Registry host[:port], lower case; `docker.io` when none was given. */
  registry: string;
  /** Path under the registry; `library/` is added for single-name Docker Hub images. */
  repository: string;
  tag?: string;
  digest?: string;
}

export type ParsedImage = { ok: true; reference: ImageReference } | { ok: false; problem: string };

/** Longest image string looked at; nothing sane needs more. */
export const MAX_IMAGE_CHARS = 512;
const MAX_NAME_CHARS = 255;
const DOCKER_HUB = 'docker.io';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const PORT = /^[0-9]{1,5}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128})$/;

/**
 * Parses `[registry[:port]/]path[:tag][@digest]` after the docker reference grammar, without one big
 * regex: each part is checked on its own with anchored, bounded patterns. Problems read as a clause,
 * e.g. "repository names must be lower case".
 */
export function parseImageReference(image: string): ParsedImage {
  const known = remembered.get(image);
  if (known) return known;
  const parsed = parseUncached(image);
  if (image.length <= MAX_IMAGE_CHARS) {
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(image, parsed);
  }
  return parsed;
}

// Parsed references by text (a pure function of it): the parser and the policy both read the image of
// every chat command, and the same few images come back again and again. Bounded; results are shared,
// so callers must not change them.
const remembered = new Map<string, ParsedImage>();
const MAX_REMEMBERED = 500;

function parseUncached(image: string): ParsedImage {
  if (image === '') return fail('it is empty');
  if (image.length > MAX_IMAGE_CHARS)
    return fail(`it is ${image.length} characters long (at most ${MAX_IMAGE_CHARS})`);
  if (/[\s\p{Cc}]/u.test(image)) return fail('it contains whitespace or control characters');

  const at = image.indexOf('@');
  const digest = at === -1 ? undefined : image.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest))
    return fail('the digest must look like sha256:<64 hex digits>');
  const withTag = at === -1 ? image : image.slice(0, at);
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > withTag.lastIndexOf('/');
  const tag = hasTag ? withTag.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return fail(`the tag "${tag.slice(0, 40)}" is not valid`);
  const name = hasTag ? withTag.slice(0, colon) : withTag;
  if (name.length > MAX_NAME_CHARS)
    return fail(`the name is ${name.length} characters long (at most ${MAX_NAME_CHARS})`);

  const split = splitRegistry(name);
  if (split.registry !== undefined && !isValidRegistry(split.registry))
    return fail('the registry host is not valid');
  const components = split.path.split('/');
  if (components.some((c) => c.toLowerCase() !== c)) return fail('repository names must be lower case');
  if (!components.every((c) => PATH_COMPONENT.test(c))) return fail('the repository name is not valid');

  const registry = normaliseRegistry(split.registry);
  const repository =
    registry === DOCKER_HUB && components.length === 1 ? `library/${split.path}` : split.path;
  return {
    ok: true,
    reference: {
      registry,
      repository,
      ...(tag !== undefined ? { tag } : {}),
      ...(digest !== undefined ? { digest } : {}),
    },
  };
}

/** `registry/repository[:tag][@digest]`, fully qualified. */
export function formatImageReference(reference: ImageReference): string {
  const tag = reference.tag !== undefined ? `:${reference.tag}` : '';
  const digest = reference.digest !== undefined ? `@${reference.digest}` : '';
  return `${reference.registry}/${reference.repository}${tag}${digest}`;
}

/** The short name people type: `busybox`, `nicolaka/netshoot`, `ghcr.io/acme/tool`. */
export function shortImageName(reference: ImageReference): string {
  if (reference.registry !== DOCKER_HUB) return `${reference.registry}/${reference.repository}`;
  return reference.repository.startsWith('library/') ? reference.repository.slice(8) : reference.repository;
}

/**
 * Docker's rule: the first component is a registry when there is more than one and it contains `.`
 * or `:`, is `localhost`, or has upper case.
 */
export function splitRegistry(name: string): { registry?: string; path: string } {
  const slash = name.indexOf('/');
  if (slash === -1) return { path: name };
  const first = name.slice(0, slash);
  const isRegistry =
    first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first;
  return isRegistry ? { registry: first, path: name.slice(slash + 1) } : { path: name };
}

/** Lower case; `index.docker.io` and `registry-1.docker.io` are Docker Hub. */
export function normaliseRegistry(registry: string | undefined): string {
  if (registry === undefined) return DOCKER_HUB;
  const lower = registry.toLowerCase();
  return lower === 'index.docker.io' || lower === 'registry-1.docker.io' ? DOCKER_HUB : lower;
}

// An IPv6 literal in brackets, as the docker reference grammar allows (`[::1]:5000/tool`).
const IPV6_REGISTRY = /^\[[a-fA-F0-9:]+\](?::[0-9]{1,5})?$/;

function isValidRegistry(registry: string): boolean {
  if (registry.startsWith('[')) return IPV6_REGISTRY.test(registry);
  const colon = registry.indexOf(':');
  const host = colon === -1 ? registry : registry.slice(0, colon);
  if (colon !== -1 && !PORT.test(registry.slice(colon + 1))) return false;
  return host.split('.').every((part) => DOMAIN_COMPONENT.test(part));
}

function fail(problem: string): ParsedImage {
  return { ok: false, problem };
}
