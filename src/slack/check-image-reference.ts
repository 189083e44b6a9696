import { parseImageReference } from '../core/parse-image-reference.js';
import { showValue } from './check-kube-names.js';

/**
 * Checks an image reference against the docker reference grammar (the one the policy reads images
 * with, core/parse-image-reference.ts), as the kubelet would (InvalidImageName), before anything is
 * sent to the cluster: an ephemeral container with a bad image can never be removed. Returns
 * `undefined` when fine, else what is wrong.
 */
export function checkImageReference(image: string): string | undefined {
  const parsed = parseImageReference(image);
  return parsed.ok
    ? undefined
    : `the image ${showValue(image)} is not a valid image reference (${parsed.problem})`;
}
