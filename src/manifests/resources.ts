// Which resource names mini-kube applies (cpu and memory, src/kube/resources.ts); any other in a
// container's requests or limits (ephemeral-storage, hugepages-*, extended resources) is refused, so a
// request is never stored and ignored.
import type { PodSpec } from '../kube/types.js';
import { APPLIED_RESOURCES } from '../kube/resources.js';
import type { FieldPath } from './field-path.js';
import { forbiddenField, type FieldError } from './field-errors.js';

export function unimplementedResources(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const lists: [string, PodSpec['containers'] | undefined][] = [['initContainers', spec.initContainers], ['containers', spec.containers]];
  for (const [field, list] of lists) {
    (Array.isArray(list) ? list : []).forEach((c, i) => {
      for (const which of ['requests', 'limits'] as const) {
        const rl = c?.resources?.[which];
        if (!rl || typeof rl !== 'object') continue;
        for (const name of Object.keys(rl)) {
          if ((APPLIED_RESOURCES as readonly string[]).includes(name)) continue;
          const at = path.child(field).index(i).child('resources', which).key(name);
          errs.push(forbiddenField(at, `mini-kube does not implement ${at.toString()} (it applies only cpu and memory)`));
        }
      }
    });
  }
  return errs;
}
