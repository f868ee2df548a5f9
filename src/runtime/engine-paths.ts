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
  const problem = imageReferenceError(ref);
  if (problem !== undefined) throw new Error(invalidImageText(ref, problem));
  return pathSegment(ref, 'image');
}

export function invalidImageText(ref: string, problem: string): string {
  return `refusing to send image ${JSON.stringify(ref)} to the docker engine: ${problem}`;
}
