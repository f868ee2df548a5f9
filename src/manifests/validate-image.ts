// Image strings, wherever a pod spec can hold one: containers, initContainers, ephemeralContainers, in a
// Pod or in the pod template of a workload. The grammar itself is src/kube/image-reference.ts.
import { imageReferenceError } from '../kube/image-reference.js';
import type { PodSpec } from '../kube/types.js';
import type { FieldPath } from './field-path.js';
import { invalidField, type FieldError } from './field-errors.js';

/** A set image must parse as Docker parses it; a missing one is the container validation's (Required). */
export function validateImage(image: unknown, path: FieldPath): FieldError[] {
  if (image === undefined || image === null || image === '') return [];
  if (typeof image !== 'string') return [invalidField(path, image, 'must be a string')];
  const error = imageReferenceError(image);
  return error ? [invalidField(path, image, error)] : [];
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/** Every image of a pod spec, each with its field path (spec.template.spec.initContainers[1].image). */
export function validatePodSpecImages(spec: PodSpec | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of CONTAINER_LISTS) {
    const containers: unknown = spec?.[list];
    if (!Array.isArray(containers)) continue;
    containers.forEach((c: unknown, i) => {
      if (c && typeof c === 'object') errs.push(...validateImage((c as { image?: unknown }).image, path.child(list).index(i).child('image')));
    });
  }
  return errs;
}
