// The namespace controller (kube-controller-manager's namespace/deletion): a namespace marked for deletion
// (Terminating, set by the API on DELETE) has everything in it deleted, pods gracefully (the kubelet stops
// their containers, then removes them), and is removed itself once nothing is left. Level-triggered: a
// restart mid-way finds the Terminating namespace in the replay and carries on.
import type { Pod } from '../../kube/types.js';
import { RESOURCE_TYPES } from '../../kube/kinds.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';
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
          if (t.kind === 'Pod') {
            if (!obj.metadata.deletionTimestamp) requestPodDeletion(this.store, obj as Stored<Pod>);
          } else {
            this.store.delete(t.kind, name, obj.metadata.name);
          }
        } catch {
          // gone meanwhile: fine
        }
      }
    }
    if (this.store.list('Pod', name).length > 0) return RECHECK_MS;
    try {
      this.store.delete('Namespace', undefined, name);
    } catch {
      // deleted meanwhile
    }
    return undefined;
  }
}
