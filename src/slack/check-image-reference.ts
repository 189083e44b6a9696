import { showValue } from './check-kube-names.js';

/** Longest image string accepted (the grammar allows more; nothing sane needs it). */
export const MAX_IMAGE_REFERENCE_CHARS = 512;

// The docker/distribution reference grammar (reference/regexp.go), anchored.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** Splits `name[:tag][@digest]` loosely, for messages only. */
function splitReference(image: string): { name: string; digest?: string } {
  const at = image.indexOf('@');
  const beforeDigest = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const lastSlash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const name = colon > lastSlash ? beforeDigest.slice(0, colon) : beforeDigest;
  return digest === undefined ? { name } : { name, digest };
}

/** The repository path of a name: everything after the registry host, when there is one. */
function repositoryPath(name: string): string {
  const slash = name.indexOf('/');
  if (slash === -1) return name;
  const first = name.slice(0, slash);
  const isDomain = first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first);
  return isDomain ? name.slice(slash + 1) : name;
}

/**
 * Checks an image reference against the docker reference grammar, as the kubelet would
 * (InvalidImageName), before anything is sent to the cluster: an ephemeral container with a bad image
 * can never be removed. Returns `undefined` when fine, else what is wrong.
 */
export function checkImageReference(image: string): string | undefined {
  if (image === '') return 'the image is empty';
  if (image.length > MAX_IMAGE_REFERENCE_CHARS) {
    return `the image is ${image.length} characters long; the limit is ${MAX_IMAGE_REFERENCE_CHARS}`;
  }
  if (/\s/.test(image)) return `the image ${showValue(image)} contains whitespace`;
  const { name, digest } = splitReference(image);
  if (/[A-Z]/.test(repositoryPath(name))) {
    return `the image ${showValue(image)} is not valid: the repository name must be lowercase`;
  }
  const match = REFERENCE.exec(image);
  if (!match) {
    return `the image ${showValue(image)} is not a valid image reference (expected [registry/]name[:tag][@sha256:digest])`;
  }
  if (match[1]!.length > 255)
    return `the image name is ${match[1]!.length} characters long; the limit is 255`;
  if (digest !== undefined) {
    const [algorithm, hex] = digest.split(':') as [string, string];
    const expected = DIGEST_HEX_LENGTH[algorithm];
    if (expected !== undefined && hex.length !== expected) {
      return `the image digest must have ${expected} hex characters after "${algorithm}:", not ${hex.length}`;
    }
  }
  return undefined;
}
