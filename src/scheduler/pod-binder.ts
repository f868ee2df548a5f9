// The scheduling step itself: mini-kube has one node, so every pod without spec.nodeName is bound to it,
// with the Scheduled event that `kubectl describe pod` shows. Opt-in (startControllers' bindPods), for
// the case that the kubelet does not bind pods itself.
import type { Pod } from '../kube/types.js';
import { NODE_NAME, recordEvent, type EventSource } from '../store/events.js';
import type { Store } from '../store/store.js';
import { keyOf, splitKey, WorkQueue } from './work-queue.js';

export const DEFAULT_SCHEDULER: EventSource = { component: 'default-scheduler' };

export class PodBinder {
  private readonly queue = new WorkQueue('default-scheduler', (key) => this.bind(key));
  private unwatch: (() => void) | undefined;

  constructor(private readonly store: Store, private readonly nodeName = NODE_NAME) {}

  start(): void {
    this.unwatch = this.store.watch({ kind: 'Pod' }, (e) => {
      const pod = e.object as Pod;
      if (e.type !== 'DELETED' && !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp) {
        this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name));
      }
    });
  }

  stop(): void {
    this.unwatch?.();
    this.queue.stop();
  }

  private bind(key: string): void {
    const { namespace, name } = splitKey(key);
    const bound = this.store.mutate<Pod>('Pod', namespace, name, (p) => {
      if (p.spec?.nodeName || p.metadata.deletionTimestamp) return false;
      p.spec = { ...p.spec!, nodeName: this.nodeName };
    });
    if (bound?.spec?.nodeName === this.nodeName) {
      recordEvent(this.store, bound, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${this.nodeName}`, {
        source: DEFAULT_SCHEDULER,
      });
    }
  }
}
