// The namespace controller (kube-controller-manager's namespace/deletion): a namespace marked for deletion
// (Terminating, set by the API on DELETE) has everything in it deleted, pods gracefully (the kubelet stops
// their containers, then removes them), and is removed itself once nothing is left: its `kubernetes`
// finalizer (spec.finalizers) is removed, and the namespace goes when no metadata.finalizers hold it
// either. Content held by finalizers keeps the namespace Terminating until they are removed.
// Level-triggered: a restart mid-way finds the Terminating namespace in the replay and carries on.
import { RESOURCE_TYPES } from '../../kube/kinds.js';
import { requestDeletion } from '../../store/graceful-delete.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { WorkQueue } from '../util/work-queue.js';

/** A look again while pods terminate, should a pod's DELETED event be missed. */
const RECHECK_MS = 1000;

export class NamespaceController {
  private readonly queue = new WorkQueue('namespace', (name) => this.sync(name));
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Namespace' }, (e) => {
      if (e.type !== 'DELETED' && e.object.metadata.deletionTimestamp) this.queue.add(e.object.metadata.name);
    }));
    // the last pod of a terminating namespace going lets the namespace go
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e: WatchEvent) => {
      if (e.type === 'DELETED' && e.object.metadata.namespace) this.queue.add(e.object.metadata.namespace);
    }));
  }

  /** Content that finalizers keep (Terminating) until someone removes them. */
  private heldContent(namespace: string): boolean {
    return RESOURCE_TYPES.some((t) => t.namespaced && this.store.list(t.kind, namespace).some((o) => o.metadata.finalizers?.length));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  /** deleteAllContent, then the namespace; a number asks to look again while pods terminate. */
  private sync(name: string): number | undefined {
    const ns = this.store.get('Namespace', undefined, name);
    if (!ns?.metadata.deletionTimestamp) return undefined;
    for (const t of RESOURCE_TYPES) {
      if (!t.namespaced) continue;
      for (const obj of this.store.list(t.kind, name)) {
        try {
          if (!obj.metadata.deletionTimestamp) requestDeletion(this.store, obj);
        } catch {
          // gone meanwhile: fine
        }
      }
    }
    if (this.store.list('Pod', name).length > 0 || this.heldContent(name)) return RECHECK_MS;
    try {
      // finalize: the namespace controller's own finalizer goes, then the namespace (unless others hold it)
      this.store.mutate<Stored>('Namespace', undefined, name, (n) => {
        const spec = n['spec'] as { finalizers?: string[] } | undefined;
        if (!spec?.finalizers?.includes('kubernetes')) return false;
        spec.finalizers = spec.finalizers.filter((f) => f !== 'kubernetes');
      });
      if (this.store.get('Namespace', undefined, name)) this.store.delete('Namespace', undefined, name);
    } catch {
      // deleted meanwhile
    }
    return undefined;
  }
}
