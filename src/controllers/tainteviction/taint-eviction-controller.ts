// The taint-eviction controller (pkg/controller/tainteviction, the former NoExecute taint manager): a pod
// on a node with a NoExecute taint it does not tolerate is deleted at once; one that tolerates it for
// tolerationSeconds is deleted when they have passed (counted from when the controller saw the taint);
// a taint removed in time cancels the deletion. The deletion is graceful, as a client's delete.
import type { Node, Pod, Taint } from '../../kube/types.js';
import { minTolerationSeconds } from '../../kube/taints.js';
import type { Store, Stored } from '../../store/store.js';
import { recordEvent } from '../../store/events.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';

export const TAINT_EVICTION_SOURCE = { component: 'taint-eviction-controller' };

export class TaintEvictionController {
  /** pod uid -> the pending deletion and when it fires */
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  private readonly unwatch: (() => void)[] = [];

  constructor(private readonly store: Store) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Node' }, (e) => {
      const node = e.object as Stored<Node>;
      for (const pod of this.store.list<Pod>('Pod')) if (pod.spec?.nodeName === node.metadata.name) this.check(pod, e.type === 'DELETED' ? [] : noExecute(node));
    }));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => {
      const pod = e.object as Stored<Pod>;
      if (e.type === 'DELETED') return this.cancel(pod.metadata.uid);
      const node = pod.spec?.nodeName ? this.store.get<Node>('Node', undefined, pod.spec.nodeName) : undefined;
      this.check(pod, node ? noExecute(node) : []);
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    for (const uid of [...this.timers.keys()]) this.cancel(uid);
  }

  private cancel(uid: string): void {
    const t = this.timers.get(uid);
    if (t) clearTimeout(t.timer);
    this.timers.delete(uid);
  }

  private check(pod: Stored<Pod>, taints: Taint[]): void {
    const uid = pod.metadata.uid;
    if (pod.metadata.deletionTimestamp || !taints.length) return this.cancel(uid);
    const seconds = minTolerationSeconds(taints, pod.spec?.tolerations);
    if (seconds === undefined) return this.cancel(uid);
    if (seconds === 0) return this.evict(pod);
    if (this.timers.has(uid)) return; // already counting from when the taint was first seen
    const timer = setTimeout(() => {
      this.timers.delete(uid);
      const now = this.store.get<Pod>('Pod', pod.metadata.namespace, pod.metadata.name);
      if (now && now.metadata.uid === uid) this.evict(now);
    }, seconds * 1000);
    timer.unref();
    this.timers.set(uid, { timer, at: Date.now() + seconds * 1000 });
  }

  private evict(pod: Stored<Pod>): void {
    this.cancel(pod.metadata.uid);
    if (pod.metadata.deletionTimestamp) return;
    try {
      recordEvent(this.store, pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`, { source: TAINT_EVICTION_SOURCE });
      requestPodDeletion(this.store, pod);
    } catch {
      // gone meanwhile
    }
  }
}

function noExecute(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}
