// The ReplicaSet controller: keeps spec.replicas active pods that match the selector and that it controls,
// creating them from the template and deleting the least useful ones, then reports status. Level-
// triggered: every run compares the store with the spec, so a restart or a missed event cannot double pods.
import type { Pod, ReplicaSet } from '../../kube/types.js';
import { fromLabelSelector, matches, selectorMatches } from '../../kube/labels.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import { requestPodDeletion } from '../../store/graceful-delete.js';
import type { Store, Stored, WatchEvent } from '../../store/store.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { APPS_DEFAULTS } from '../../kube/defaults.js';
import { createWithGeneratedName } from '../util/hash.js';
import { adopt, controllerRefOf, newControllerRef, release } from '../util/owner-refs.js';
import { isPodActive, nextAvailableIn } from '../../kube/pod.js';
import { podsToDelete } from '../util/pod-ranking.js';
import { calculateReplicaSetStatus, type ManageFailure } from './status.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';

export const REPLICASET_CONTROLLER: EventSource = { component: 'replicaset-controller' };

/** Kubernetes' burstReplicas: the most pods created or deleted in one run. */
const BURST_REPLICAS = 500;

export class ReplicaSetController {
  private readonly queue = new WorkQueue('replicaset-controller', (key) => this.sync(key));
  private readonly unwatch: (() => void)[] = [];

  /**
   * @param admitPod admission the API server would run on a pod it is asked to create (the ServiceAccount
   *   plugin): this controller writes the store directly, so it runs it here; it throws to refuse
   */
  constructor(private readonly store: Store, private readonly admitPod?: (pod: Pod) => void) {}

  /** Watching from no resourceVersion replays every object as ADDED: the initial full resync. */
  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'ReplicaSet' }, (e) => this.queue.add(keyOf(e.object.metadata.namespace, e.object.metadata.name))));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => this.onPod(e as WatchEvent<Pod>)));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.queue.stop();
  }

  private onPod(e: WatchEvent<Pod>): void {
    const pod = e.object;
    const ns = pod.metadata.namespace;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind === 'ReplicaSet') this.queue.add(keyOf(ns, ref.name));
      return;
    }
    // An orphan: any ReplicaSet whose selector matches may adopt it.
    if (e.type === 'DELETED') return;
    for (const rs of this.store.list<ReplicaSet>('ReplicaSet', ns)) {
      if (hasSelector(rs) && selectorMatches(rs.spec?.selector, pod.metadata.labels)) this.queue.add(keyOf(ns, rs.metadata.name));
    }
  }

  /** One reconcile of one ReplicaSet; returns a requeue delay while a pod waits out minReadySeconds. */
  private sync(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    const rs = this.store.get<ReplicaSet>('ReplicaSet', namespace, name);
    // Gone: its pods are the garbage collector's.
    if (!rs) return undefined;

    // Being deleted (in the foreground: the garbage collector is taking its pods): no new pods.
    const failure = rs.metadata.deletionTimestamp ? undefined : this.manageReplicas(rs, this.claimPods(rs));
    // Read again: the pods just created or marked for deletion change the counts.
    const owned = this.claimPods(rs);
    const status = calculateReplicaSetStatus(rs, owned, failure);
    this.store.mutate<ReplicaSet>('ReplicaSet', namespace, name, (r) => {
      if (deepEqual(r.status, status)) return false;
      r.status = status;
    });
    if (failure) throw new Error(failure.message);
    return nextAvailableIn(owned.filter(isPodActive), rs.spec?.minReadySeconds ?? 0);
  }

  /**
   * The pods this ReplicaSet controls, as ControllerRefManager.ClaimPods decides: its own that still
   * match, plus orphans that match (adopted). Its own that no longer match are released.
   */
  private claimPods(rs: Stored<ReplicaSet>): Stored<Pod>[] {
    const selector = fromLabelSelector(rs.spec?.selector);
    const out: Stored<Pod>[] = [];
    for (const pod of this.store.list<Pod>('Pod', rs.metadata.namespace)) {
      const ref = controllerRefOf(pod);
      const match = matches(selector, pod.metadata.labels);
      if (ref) {
        if (ref.uid !== rs.metadata.uid) continue;
        if (match) out.push(pod);
        else if (!pod.metadata.deletionTimestamp) release(this.store, 'Pod', pod, rs);
        continue;
      }
      // An empty selector would match every pod in the namespace: never adopt with one.
      if (!match || !hasSelector(rs) || pod.metadata.deletionTimestamp) continue;
      const adopted = adopt(this.store, 'Pod', pod, rs);
      if (adopted) out.push(adopted);
    }
    return out;
  }

  private manageReplicas(rs: Stored<ReplicaSet>, owned: Stored<Pod>[]): ManageFailure | undefined {
    const active = owned.filter(isPodActive);
    const diff = active.length - (rs.spec?.replicas ?? APPS_DEFAULTS.replicas);
    if (diff < 0) {
      for (let i = 0; i < Math.min(-diff, BURST_REPLICAS); i++) {
        try {
          const fresh = podFromTemplate(rs);
          if (this.admitPod) {
            fresh.metadata!.generateName = `${rs.metadata.name}-`;
            this.admitPod(fresh);
          }
          const pod = createWithGeneratedName<Pod>(this.store, fresh, `${rs.metadata.name}-`);
          recordEvent(this.store, rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, { source: REPLICASET_CONTROLLER });
        } catch (err) {
          const message = `Error creating: ${(err as Error).message}`;
          recordEvent(this.store, rs, 'Warning', 'FailedCreate', message, { source: REPLICASET_CONTROLLER });
          return { reason: 'FailedCreate', message };
        }
      }
    } else if (diff > 0) {
      for (const pod of podsToDelete(active, Math.min(diff, BURST_REPLICAS))) {
        try {
          requestPodDeletion(this.store, pod);
          recordEvent(this.store, rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, { source: REPLICASET_CONTROLLER });
        } catch (err) {
          const message = `Error deleting: ${(err as Error).message}`;
          recordEvent(this.store, rs, 'Warning', 'FailedDelete', message, { source: REPLICASET_CONTROLLER });
          return { reason: 'FailedDelete', message };
        }
      }
    }
    return undefined;
  }
}

function hasSelector(rs: ReplicaSet): boolean {
  return fromLabelSelector(rs.spec?.selector).length > 0;
}

/** controller.GetPodFromTemplate: labels, annotations, finalizers and spec from the template. */
export function podFromTemplate(rs: Stored<ReplicaSet>): Pod {
  const template = rs.spec?.template ?? {};
  const meta = template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: rs.metadata.namespace,
      labels: { ...meta.labels },
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(rs)],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
    // What the API server sets on every new pod; from here on the status is the kubelet's.
    status: { phase: 'Pending' },
  };
}
