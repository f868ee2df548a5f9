// What a delete request does to an object, as the apiserver's registry decides it (one home for the API
// and the controllers): a Pod is deleted gracefully (deletionTimestamp and grace period; the kubelet
// stops its containers and then removes the object); propagationPolicy Foreground or Orphan adds the
// foregroundDeletion or orphan finalizer, which the garbage collector acts on; an object with
// finalizers is only marked (Terminating) until they are gone (finalizers.ts); anything else goes now.
import type { Pod } from '../kube/types.js';
import type { KubeObject, Store, Stored } from './store.js';
import { timestamp } from './store.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './finalizers.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeletionRequest {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
}

/**
 * The pod as a delete leaves it: marked with deletionTimestamp and grace, or undefined when it goes at
 * once. Pure, so a dry run answers exactly what the real delete would do (api/deletion.ts).
 */
export function podAfterDeleteRequest(pod: Stored<Pod>, gracePeriodSeconds?: number): Stored<Pod> | undefined {
  if (pod.metadata.deletionTimestamp) return pod;
  const grace = gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  // A pod that never got a container has nothing to stop: it goes at once.
  const hasContainers = (pod.status?.containerStatuses ?? []).some((c) => c.containerID);
  if (grace === 0 && !hasContainers) return undefined;
  return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: timestamp(), deletionGracePeriodSeconds: grace } };
}

/** The finalizer a propagation policy asks for, as the apiserver's deletion strategy adds it. */
function policyFinalizer(policy: PropagationPolicy | undefined): string | undefined {
  if (policy === 'Foreground') return FOREGROUND_FINALIZER;
  if (policy === 'Orphan') return ORPHAN_FINALIZER;
  return undefined;
}

/**
 * The object as a delete request leaves it, or undefined when it goes at once. Pure (dry run). A second
 * delete of an object already being deleted changes nothing but may add its policy's finalizer.
 */
export function afterDeleteRequest(obj: Stored, req: DeletionRequest): Stored | undefined {
  // A pod waits for the kubelet; anything else goes at once unless finalizers hold it.
  const marked = obj.kind === 'Pod' ? podAfterDeleteRequest(obj as Stored<Pod>, req.gracePeriodSeconds) : undefined;
  const finalizers = [...(obj.metadata.finalizers ?? [])];
  const wanted = policyFinalizer(req.propagationPolicy);
  if (wanted && !finalizers.includes(wanted)) finalizers.push(wanted);
  if (!finalizers.length) return marked;
  const base = marked ?? obj;
  return {
    ...base,
    metadata: {
      ...base.metadata, finalizers,
      deletionTimestamp: base.metadata.deletionTimestamp ?? timestamp(),
      deletionGracePeriodSeconds: base.metadata.deletionGracePeriodSeconds ?? 0,
    },
  };
}

/** Carries out a delete request; returns the object as stored afterwards (or as it was when it went). */
export function requestDeletion<T extends KubeObject>(store: Store, obj: Stored<T>, req: DeletionRequest = {}): Stored<T> {
  const marked = afterDeleteRequest(obj as Stored, req);
  if (marked === (obj as Stored)) return obj;
  if (!marked) return store.delete<T>(obj.kind as never, obj.metadata.namespace, obj.metadata.name);
  return store.update(marked as unknown as T);
}

export function requestPodDeletion(store: Store, pod: Stored<Pod>, gracePeriodSeconds?: number): Stored<Pod> {
  return requestDeletion(store, pod, { gracePeriodSeconds });
}
