// Finalizers, as the apiserver's generic registry keeps them: an object whose metadata.finalizers is not
// empty is not removed by a delete, only marked (deletionTimestamp, and deletionGracePeriodSeconds 0);
// it stays, Terminating, until an update removes its last finalizer, and then it goes. A namespace's
// spec.finalizers ("kubernetes", the namespace controller's) holds it the same way. Rules only: the
// store applies them on every delete and update, whoever writes.
import type { KubeObject, Stored } from '../kube/types.js';

/** Added by a delete with propagationPolicy=Foreground: the garbage collector deletes the dependents first. */
export const FOREGROUND_FINALIZER = 'foregroundDeletion';
/** Added by a delete with propagationPolicy=Orphan: the garbage collector cuts the dependents loose first. */
export const ORPHAN_FINALIZER = 'orphan';

export function finalizersOf(obj: KubeObject): string[] {
  return obj.metadata?.finalizers ?? [];
}

/** Whatever still holds the object: its finalizers, and a namespace's spec.finalizers. */
function held(obj: KubeObject): boolean {
  if (finalizersOf(obj).length) return true;
  if (obj.kind === 'Namespace') return ((obj['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;
  return false;
}

/** A delete of an object with finalizers: the object marked, kept; undefined when it may go now. */
export function heldByFinalizers(obj: Stored, timestamp: string): Stored | undefined {
  if (!finalizersOf(obj).length) return undefined;
  if (obj.metadata.deletionTimestamp && obj.metadata.deletionGracePeriodSeconds === 0) return obj;
  return { ...obj, metadata: { ...obj.metadata, deletionTimestamp: obj.metadata.deletionTimestamp ?? timestamp, deletionGracePeriodSeconds: 0 } };
}

/**
 * Whether an update finishes a deletion: the object is marked, this write released the last thing
 * holding it, and (a pod) the kubelet has already stopped it (grace period 0).
 */
export function finishesDeletion(current: Stored, next: Stored): boolean {
  if (!next.metadata.deletionTimestamp || held(next) || !held(current)) return false;
  return next.kind !== 'Pod' || next.metadata.deletionGracePeriodSeconds === 0;
}
