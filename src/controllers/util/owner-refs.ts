// Controller references (metadata.ownerReferences with controller=true): how a ReplicaSet knows its pods
// and a Deployment its ReplicaSets, and how orphans are adopted or released, as in Kubernetes'
// ControllerRefManager. Only a controller writes its own reference, through store.mutate.
import type { ObjectMeta, OwnerReference } from '../../kube/types.js';
import type { KubeObject, Store, Stored } from '../../store/store.js';
import type { Kind } from '../../kube/kinds.js';

export function controllerRefOf(obj: { metadata?: ObjectMeta }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: { metadata?: ObjectMeta }, owner: Stored): boolean {
  return controllerRefOf(obj)?.uid === owner.metadata.uid;
}

export function newControllerRef(owner: Stored): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * Makes `owner` the controller of the orphan `obj`. Re-checks on the newest copy, so when two
 * controllers with overlapping selectors race, the first one wins and the second leaves it alone.
 */
export function adopt<T extends KubeObject>(store: Store, kind: Kind, obj: Stored<T>, owner: Stored): Stored<T> | undefined {
  const updated = store.mutate<T>(kind, obj.metadata.namespace, obj.metadata.name, (o) => {
    if (controllerRefOf(o) || o.metadata.deletionTimestamp) return false;
    o.metadata.ownerReferences = [...(o.metadata.ownerReferences ?? []), newControllerRef(owner)];
  });
  return updated && isControlledBy(updated, owner) ? updated : undefined;
}

/** Drops `owner`'s reference from `obj` (its labels no longer match the owner's selector). */
export function release(store: Store, kind: Kind, obj: Stored, owner: Stored): void {
  store.mutate(kind, obj.metadata.namespace, obj.metadata.name, (o) => {
    const refs = o.metadata.ownerReferences ?? [];
    const kept = refs.filter((r) => r.uid !== owner.metadata.uid);
    if (kept.length === refs.length) return false;
    if (kept.length) o.metadata.ownerReferences = kept;
    else delete o.metadata.ownerReferences;
  });
}
