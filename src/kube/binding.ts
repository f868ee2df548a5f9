// What a Binding does to a pod (pkg/registry/core/pod/storage BindingREST.setPodNodeAndMetadata): the
// one home of the rule, read by the API's pods/binding subresource and by the in-process scheduler.
import { StatusError } from './errors.js';
import type { Pod } from './types.js';

/** Why the pod cannot be bound (as the registry answers: 409), or undefined. */
export function bindingConflict(pod: Pod, nodeName: string): StatusError | undefined {
  const name = pod.metadata?.name ?? '';
  if (pod.metadata?.deletionTimestamp) {
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is being deleted, cannot be assigned to a host`);
  }
  if (pod.spec?.nodeName) {
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  }
  if (!nodeName) return new StatusError(422, 'Invalid', `Binding.core "${name}" is invalid: target.name: Required value`);
  return undefined;
}

/** Sets spec.nodeName and the PodScheduled=True condition, in place (the pod must have passed bindingConflict). */
export function applyBinding(pod: Pod, nodeName: string, now: string, annotations?: Record<string, string>): void {
  // a stored pod without a spec (never admitted) is bound too: the kubelet then reports it on the pod
  pod.spec = { ...pod.spec, nodeName } as NonNullable<Pod['spec']>;
  if (annotations) pod.metadata!.annotations = { ...pod.metadata!.annotations, ...annotations };
  const status = pod.status ?? (pod.status = {});
  const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastTransitionTime: now });
  status.conditions = conditions;
}
