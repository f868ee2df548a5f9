// The garbage collector: an object whose owners (metadata.ownerReferences) are all gone is deleted, so
// deleting a Deployment removes its ReplicaSets, and deleting those removes their pods (gracefully:
// the kubelet stops the containers, then removes the pod). This is background cascading deletion.
//
// Orphan propagation (delete the owner, keep the dependents) needs the deleting client's choice; the
// API can have it by calling orphanDependents() before deleting the owner. Foreground deletion (owner
// waits for dependents via the foregroundDeletion finalizer) is not implemented.
import type { OwnerReference, Pod } from '../../kube/types.js';
import { byKind, type Kind } from '../../kube/kinds.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';
import { StatusError } from '../../kube/errors.js';
import type { KubeObject, Store, Stored, WatchEvent } from '../../store/store.js';
import { WorkQueue } from '../util/work-queue.js';

/** Kinds that carry ownerReferences in mini-kube, and so may be collected. */
const DEPENDENT_KINDS: readonly Kind[] = ['ReplicaSet', 'Pod', 'ControllerRevision', 'PersistentVolumeClaim'];
/** Kinds whose deletion may leave dependents behind. */
// a Pod owns the claims a StatefulSet's whenScaled: Delete hands it (statefulset/claims.ts)
const OWNER_KINDS: readonly Kind[] = ['Deployment', 'ReplicaSet', 'StatefulSet', 'Pod'];

export class GarbageCollector {
  private readonly queue = new WorkQueue('garbage-collector', (key) => this.collect(key));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  /** The initial replay (every object as ADDED) finds dependents whose owner went while we were down. */
  start(): void {
    const kinds = new Set<Kind>([...DEPENDENT_KINDS, ...OWNER_KINDS]);
    for (const kind of kinds) this.unwatch.push(this.store.watch({ kind }, (e) => this.onEvent(e)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onEvent(e: WatchEvent): void {
    const obj = e.object;
    const kind = obj.kind as Kind;
    if (e.type !== 'DELETED') {
      if (DEPENDENT_KINDS.includes(kind) && obj.metadata.ownerReferences?.length) this.queue.add(objectKey(kind, obj));
      return;
    }
    if (!OWNER_KINDS.includes(kind)) return;
    for (const dep of dependentsOf(this.store, obj)) this.queue.add(objectKey(dep.kind as Kind, dep));
  }

  /** attemptToDeleteItem: delete when every owner is gone; drop the references to gone owners otherwise. */
  private collect(key: string): void {
    const [kind, namespace, name] = key.split('/') as [Kind, string, string];
    const obj = this.store.get(kind, namespace || undefined, name);
    const refs = obj?.metadata.ownerReferences ?? [];
    if (!obj || !refs.length) return;
    const dangling = refs.filter((r) => ownerGone(this.store, obj, r));
    if (!dangling.length) return;
    if (dangling.length < refs.length) {
      const goneUids = new Set(dangling.map((r) => r.uid));
      this.store.mutate(kind, namespace, name, (o) => {
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => !goneUids.has(r.uid));
      });
      return;
    }
    try {
      if (kind === 'Pod') requestPodDeletion(this.store, obj as Stored<Pod>);
      else this.store.delete(kind, namespace, name);
    } catch (err) {
      // Someone else deleted it first: that is the goal.
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }
}

/**
 * Orphan propagation: removes `owner`'s references from its dependents, so that deleting the owner
 * afterwards leaves them in place (kubectl delete --cascade=orphan).
 */
export function orphanDependents(store: Store, owner: Stored): void {
  for (const dep of dependentsOf(store, owner)) {
    store.mutate(dep.kind as Kind, dep.metadata.namespace, dep.metadata.name, (o) => {
      const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
      if (refs.length) o.metadata.ownerReferences = refs;
      else delete o.metadata.ownerReferences;
    });
  }
}

function dependentsOf(store: Store, owner: Stored): Stored[] {
  return DEPENDENT_KINDS.flatMap((kind) =>
    store.list<KubeObject>(kind, owner.metadata.namespace).filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)),
  );
}

/**
 * An owner is gone when no object of its kind and name exists or one exists with another uid (deleted
 * and re-created). A kind mini-kube does not serve cannot be checked, so it keeps its dependents.
 */
function ownerGone(store: Store, dependent: Stored, ref: OwnerReference): boolean {
  const t = byKind(ref.kind);
  if (!t) return false;
  const owner = store.get(t.kind, t.namespaced ? dependent.metadata.namespace : undefined, ref.name);
  return !owner || owner.metadata.uid !== ref.uid;
}

function objectKey(kind: Kind, obj: Stored): string {
  return `${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
