// The target's scale subresource, generically: any kind of the kinds table whose object has spec.replicas
// and a spec.selector (Deployment, ReplicaSet, and whatever kind is added with them, StatefulSet...), read
// and written as the scale subresource reads and writes it (api/handlers/scale.ts): spec.replicas,
// status.replicas and the selector. The HPA controller writes the store as the other controllers do.
import { byKind } from '../../kube/kinds.js';
import { notFound, StatusError } from '../../kube/errors.js';
import type { CrossVersionObjectReference } from 'kubernetes-types/autoscaling/v2.js';
import type { LabelSelector } from '../../kube/types.js';
import type { Store } from '../../store/store.js';

export interface Scale {
  kind: string;
  /** spec.replicas */
  replicas: number;
  /** status.replicas */
  statusReplicas: number;
  selector?: LabelSelector;
}

export function getScale(store: Store, namespace: string, ref: CrossVersionObjectReference): Scale {
  const t = byKind(ref.kind);
  const group = ref.apiVersion?.includes('/') ? ref.apiVersion.split('/')[0] : '';
  if (!t || (ref.apiVersion !== undefined && t.group !== group)) {
    throw new StatusError(404, 'NotFound', `no matches for kind "${ref.kind}" in group "${group}"`);
  }
  const obj = store.get(t.kind, namespace, ref.name);
  if (!obj) throw notFound(t.resource, t.group, ref.name);
  const spec = obj['spec'] as { replicas?: number; selector?: LabelSelector } | undefined;
  if (!spec || !('selector' in spec)) {
    throw new StatusError(404, 'NotFound', `the server could not find the requested resource (get ${t.resource}.${t.group} ${ref.name}): ${t.kind} has no scale subresource`);
  }
  const status = obj['status'] as { replicas?: number } | undefined;
  return { kind: t.kind, replicas: spec.replicas ?? 1, statusReplicas: status?.replicas ?? 0, selector: spec.selector };
}

export function updateScale(store: Store, namespace: string, ref: CrossVersionObjectReference, replicas: number): void {
  const t = byKind(ref.kind)!;
  const stored = store.mutate<{ spec?: { replicas?: number } }>(t.kind, namespace, ref.name, (o) => {
    o.spec = { ...(o.spec ?? {}), replicas };
  });
  if (!stored) throw notFound(t.resource, t.group, ref.name);
}
