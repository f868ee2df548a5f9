// The garbage collector: an object whose owners (metadata.ownerReferences) are all gone is deleted, so
// deleting a Deployment removes its ReplicaSets, and deleting those removes their pods (gracefully:
// the kubelet stops the containers, then removes the pod). This is background cascading deletion.
//
// The other two propagation policies arrive as finalizers on the owner (store/graceful-delete.ts):
// - orphan: the dependents' references to the owner are removed, then the finalizer (the owner goes,
//   the dependents stay);
// - foregroundDeletion: the dependents are deleted first (those that have dependents of their own in
//   the foreground too), and the finalizer is removed once no dependent that blocks the owner's
//   deletion (blockOwnerDeletion) is left; `kubectl delete --cascade=foreground` waits for that.
import type { OwnerReference } from '../../kube/types.js';
import { byKind, RESOURCE_TYPES, type Kind } from '../../kube/kinds.js';
import { requestDeletion } from '../../store/graceful-delete.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from '../../store/finalizers.js';
import { StatusError } from '../../kube/errors.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { WorkQueue } from '../util/work-queue.js';

/** While dependents terminate, a look again should one of their events be missed. */
const RECHECK_MS = 1000;

export class GarbageCollector {
  private readonly queue = new WorkQueue('garbage-collector', (key) => this.process(key));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  /** The initial replay (every object as ADDED) finds dependents whose owner went while we were down. */
  start(): void {
    this.unwatch.push(this.store.watch({}, (e) => this.onEvent(e)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onEvent(e: WatchEvent): void {
    const obj = e.object;
    if (obj.kind === 'Event') return;
    const kind = obj.kind as Kind;
    if (e.type !== 'DELETED') {
      if (obj.metadata.ownerReferences?.length) this.queue.add(`dependent/${objectKey(kind, obj)}`);
      if (obj.metadata.deletionTimestamp && hasPropagationFinalizer(obj)) this.queue.add(`owner/${objectKey(kind, obj)}`);
    } else {
      for (const dep of dependentsOf(this.store, obj)) this.queue.add(`dependent/${objectKey(dep.kind as Kind, dep)}`);
    }
    // A dependent that changed or went may be what an owner deleting in the foreground waits for.
    for (const ref of obj.metadata.ownerReferences ?? []) {
      const t = byKind(ref.kind);
      if (!t) continue;
      const owner = this.store.get(t.kind, t.namespaced ? obj.metadata.namespace : undefined, ref.name);
      if (owner?.metadata.uid === ref.uid && owner.metadata.deletionTimestamp && hasPropagationFinalizer(owner)) {
        this.queue.add(`owner/${objectKey(t.kind, owner)}`);
      }
    }
  }

  private process(key: string): number | undefined {
    const [role, kind, namespace, name] = key.split('/') as ['owner' | 'dependent', Kind, string, string];
    const obj = this.store.get(kind, namespace || undefined, name);
    if (!obj) return undefined;
    try {
      return role === 'owner' ? this.processDeletingOwner(kind, obj) : this.attemptToDelete(kind, obj);
    } catch (err) {
      // Someone else deleted it first: that is the goal.
      if (err instanceof StatusError && err.code === 404) return undefined;
      throw err;
    }
  }

  /** attemptToDeleteItem: delete when every owner is gone; drop the references to gone owners otherwise. */
  private attemptToDelete(kind: Kind, obj: Stored): number | undefined {
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length) return undefined;
    const dangling = refs.filter((r) => ownerGone(this.store, obj, r));
    if (!dangling.length) return undefined;
    if (dangling.length < refs.length) {
      const goneUids = new Set(dangling.map((r) => r.uid));
      this.store.mutate(kind, obj.metadata.namespace, obj.metadata.name, (o) => {
        o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => !goneUids.has(r.uid));
      });
      return undefined;
    }
    if (!obj.metadata.deletionTimestamp) requestDeletion(this.store, obj);
    return undefined;
  }

  /** An owner being deleted with the orphan or foregroundDeletion finalizer. */
  private processDeletingOwner(kind: Kind, owner: Stored): number | undefined {
    if (!owner.metadata.deletionTimestamp) return undefined;
    const finalizers = owner.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) {
      orphanDependents(this.store, owner);
      this.removeFinalizer(kind, owner, ORPHAN_FINALIZER);
      return undefined;
    }
    if (!finalizers.includes(FOREGROUND_FINALIZER)) return undefined;
    const dependents = dependentsOf(this.store, owner);
    for (const dep of dependents) {
      if (dep.metadata.deletionTimestamp) continue;
      // Only when every owner of the dependent is gone or waiting for it (another owner keeps it).
      const solidOwner = (dep.metadata.ownerReferences ?? []).some((r) => r.uid !== owner.metadata.uid && !ownerGone(this.store, dep, r) && !ownerWaiting(this.store, dep, r));
      if (solidOwner) continue;
      const grandchildren = dependentsOf(this.store, dep).length > 0;
      requestDeletion(this.store, dep, { propagationPolicy: grandchildren ? 'Foreground' : 'Background' });
    }
    const blocking = dependentsOf(this.store, owner).filter((d) =>
      (d.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion));
    if (blocking.length) return RECHECK_MS;
    this.removeFinalizer(kind, owner, FOREGROUND_FINALIZER);
    return undefined;
  }

  private removeFinalizer(kind: Kind, owner: Stored, finalizer: string): void {
    this.store.mutate(kind, owner.metadata.namespace, owner.metadata.name, (o) => {
      if (o.metadata.uid !== owner.metadata.uid || !o.metadata.finalizers?.includes(finalizer)) return false;
      o.metadata.finalizers = o.metadata.finalizers.filter((f) => f !== finalizer);
      if (!o.metadata.finalizers.length) delete o.metadata.finalizers;
    });
  }
}

function hasPropagationFinalizer(obj: Stored): boolean {
  const f = obj.metadata.finalizers ?? [];
  return f.includes(FOREGROUND_FINALIZER) || f.includes(ORPHAN_FINALIZER);
}

/**
 * Orphan propagation: removes `owner`'s references from its dependents, so that deleting the owner
 * leaves them in place (kubectl delete --cascade=orphan).
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

/** The objects naming `owner` (by uid) in their ownerReferences: its namespace, or everywhere for a cluster-scoped owner. */
function dependentsOf(store: Store, owner: Stored): Stored[] {
  const out: Stored[] = [];
  for (const t of RESOURCE_TYPES) {
    if (t.kind === 'Event') continue;
    for (const o of store.list(t.kind, t.namespaced ? owner.metadata.namespace : undefined)) {
      if (o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid)) out.push(o);
    }
  }
  return out;
}

function ownerOf(store: Store, dependent: Stored, ref: OwnerReference): Stored | undefined {
  const t = byKind(ref.kind);
  if (!t) return undefined;
  return store.get(t.kind, t.namespaced ? dependent.metadata.namespace : undefined, ref.name);
}

/**
 * An owner is gone when no object of its kind and name exists or one exists with another uid (deleted
 * and re-created). A kind mini-kube does not serve cannot be checked, so it keeps its dependents.
 */
function ownerGone(store: Store, dependent: Stored, ref: OwnerReference): boolean {
  if (!byKind(ref.kind)) return false;
  const owner = ownerOf(store, dependent, ref);
  return !owner || owner.metadata.uid !== ref.uid;
}

/** An owner deleting in the foreground waits for its dependents (it does not keep them). */
function ownerWaiting(store: Store, dependent: Stored, ref: OwnerReference): boolean {
  const owner = ownerOf(store, dependent, ref);
  return !!owner?.metadata.deletionTimestamp && !!owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER);
}

function objectKey(kind: Kind, obj: Stored): string {
  return `${kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}
