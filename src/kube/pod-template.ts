// Which ReplicaSet runs a Deployment's current template (deploymentutil.EqualIgnoreHash): one rule for the
// Deployment controller, which acts on it, and `kubectl describe deployment`, which shows its answer.
import type { PodTemplateSpec } from './types.js';
import { semanticDeepEqual } from './canonical-json.js';

/** The label a ReplicaSet adds to its copy of the template (and its pods and selector). */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** The template without the pod-template-hash label, which only the ReplicaSet's copy carries. */
function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return t;
}

/** EqualIgnoreHash: the templates match once the hash label is ignored (empty maps equal missing ones). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return semanticDeepEqual(withoutHash(a), withoutHash(b));
}
