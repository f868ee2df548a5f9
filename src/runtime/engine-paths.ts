// Values that become part of an engine URL path (container ids, exec ids, image references). dockerode
// pastes them in as they are, so a '?' or '#' would end the path and '/' or '..' would walk it.
import { imageReferenceError } from '../kube/image-reference.js';

/**
 * One path segment, percent-encoded. '.' and '..' are refused outright: the engine decodes the path,
 * cleans it and answers a redirect, so encoding alone would not keep them from walking the URL.
 */
export function pathSegment(value: string, what: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new Error(`refusing to send ${what} ${JSON.stringify(value)} to the docker engine: it is not a usable ${what}`);
  }
  return encodeURIComponent(value);
}

/** An image reference for an engine path: only what Docker's reference grammar accepts, then encoded. */
export function imagePathSegment(ref: string): string {
  const refused = refusedImage(ref);
  if (refused !== undefined) throw new Error(refused);
  return pathSegment(ref, 'image');
}

/** Why `ref` may not go to the engine at all (not Docker's reference grammar), or undefined. */
export function refusedImage(ref: string): string | undefined {
  const problem = imageReferenceError(ref);
  return problem === undefined ? undefined : `refusing to send image ${JSON.stringify(ref)} to the docker engine: ${problem}`;
}
