// kube-scheduler: binds each pending pod (spec.nodeName empty, schedulerName default-scheduler) to a node
// chosen by the default plugins (schedule-one.ts), as the pods/binding subresource does (kube/binding.ts).
// A pod that fits nowhere gets a FailedScheduling event with kube-scheduler's message and the condition
// PodScheduled=False/Unschedulable, and waits in the scheduling queue until the cluster changes.
//
// The cache: the nodes and the pods bound to each, kept from the store's watch (the scheduler's cache is
// informer-fed the same way), so a decision costs O(nodes x plugins), not a list of every pod.
import type { Namespace, Node, Pod } from '../kube/types.js';
import type { Store, Stored, WatchEvent } from '../store/store.js';
import { timestamp } from '../store/store.js';
import { recordEvent } from '../store/events.js';
import { applyBinding, bindingConflict } from '../kube/binding.js';
import { claimLookupFrom, claimScheduling, type ClaimLookup } from '../kube/volume-binding.js';
import { ANN_SELECTED_NODE } from '../kube/storage.js';
import type { PersistentVolumeClaim } from '../kube/types.js';
import { addPod, isTerminal, newNodeInfo, removePod, type NodeInfo, type Snapshot } from './framework.js';
import { schedulePod } from './schedule-one.js';
import { SchedulingQueue, type QueueOptions } from './scheduling-queue.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const SCHEDULER_SOURCE = { component: DEFAULT_SCHEDULER_NAME };

export interface SchedulerOptions extends QueueOptions {
  store: Store;
  log?: (line: string) => void;
  random?: () => number;
}

export class Scheduler {
  readonly queue: SchedulingQueue;
  private readonly store: Store;
  private readonly nodes = new Map<string, NodeInfo>();
  private snapshot: Snapshot = { nodes: [], byName: new Map() };
  /** uid -> where the cache counts the pod */
  private readonly boundTo = new Map<string, string>();
  /** uid -> namespace/name of pending pods */
  private readonly pending = new Map<string, { namespace: string; name: string }>();
  private unwatch: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private flushTimer?: NodeJS.Timeout;
  private scheduled = false;
  private stopped = false;
  /** bound pods, for the bench and tests */
  bindings = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.store = opts.store;
    this.queue = new SchedulingQueue(opts);
  }

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'Node' }, (e) => this.onNode(e)));
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => this.onPod(e)));
    // a claim bound (or created) may make a waiting pod schedulable
    this.unwatch.push(this.store.watch({ kind: 'PersistentVolumeClaim' }, () => {
      this.queue.moveAllToActiveOrBackoff();
      this.kick();
    }));
    this.flushTimer = setInterval(() => { this.queue.flushUnschedulable(); this.kick(); }, 30_000);
    this.flushTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const u of this.unwatch) u();
    clearTimeout(this.timer);
    clearInterval(this.flushTimer);
  }

  private rebuildSnapshot(): void {
    const nodes = [...this.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    this.snapshot = {
      nodes, byName: new Map(this.nodes),
      namespaceLabels: (ns) => this.store.get<Namespace>('Namespace', undefined, ns)?.metadata.labels,
    };
  }

  private onNode(e: WatchEvent): void {
    const node = e.object as Stored<Node>;
    const name = node.metadata.name;
    if (e.type === 'DELETED') {
      this.nodes.delete(name);
    } else {
      const info = this.nodes.get(name);
      if (info) {
        info.node = node;
        info.labels = node.metadata.labels ?? {};
      } else {
        const fresh = newNodeInfo(node);
        // pods bound to the node before it was (re)registered
        for (const [uid, at] of this.boundTo) if (at === name) this.addBoundPod(fresh, uid);
        this.nodes.set(name, fresh);
      }
    }
    this.rebuildSnapshot();
    this.queue.moveAllToActiveOrBackoff();
    this.kick();
  }

  private addBoundPod(info: NodeInfo, uid: string): void {
    const p = this.store.list<Pod>('Pod').find((x) => x.metadata.uid === uid);
    if (p) addPod(info, p);
  }

  private onPod(e: WatchEvent): void {
    const pod = e.object as Stored<Pod>;
    const uid = pod.metadata.uid;
    const gone = e.type === 'DELETED' || isTerminal(pod);
    const bound = pod.spec?.nodeName;
    if (bound || gone) {
      this.pending.delete(uid);
      this.queue.delete(uid);
      const was = this.boundTo.get(uid);
      const wasInfo = was ? this.nodes.get(was) : undefined;
      if (wasInfo) removePod(wasInfo, pod);
      this.boundTo.delete(uid);
      if (bound && !gone) {
        this.boundTo.set(uid, bound);
        const info = this.nodes.get(bound);
        if (info) addPod(info, pod);
      }
      // a pod that left frees room (and its anti-affinity); a new one may satisfy an affinity
      if (gone || !was) {
        this.queue.moveAllToActiveOrBackoff();
        this.kick();
      }
      return;
    }
    if ((pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME) !== DEFAULT_SCHEDULER_NAME || pod.metadata.deletionTimestamp) return;
    this.pending.set(uid, { namespace: pod.metadata.namespace!, name: pod.metadata.name });
    // our own status write (the Unschedulable condition) is no reason to try again
    if (e.type === 'MODIFIED' && this.queue.backoffMs(uid) > 0) return;
    this.queue.add(uid);
    this.kick();
  }

  /** Runs the queue soon (one macrotask per batch keeps the API responsive under a burst). */
  private kick(delayMs = 0): void {
    if (this.stopped) return;
    if (this.scheduled && delayMs === 0) return;
    clearTimeout(this.timer);
    this.scheduled = delayMs === 0;
    this.timer = setTimeout(() => { this.scheduled = false; this.runQueue(); }, delayMs);
    this.timer.unref?.();
  }

  /** Schedules what the queue holds now; wakes again when the next back-off ends. */
  runQueue(budgetMs = 50): void {
    const until = performance.now() + budgetMs;
    for (let key = this.queue.pop(); key !== undefined; key = this.queue.pop()) {
      this.scheduleSafely(key);
      if (performance.now() > until) return this.kick();
    }
    const next = this.queue.nextBackoffInMs();
    if (next !== undefined) this.kick(Math.max(10, next));
  }

  /**
   * A pod in the store that no admission let in (a file planted in the store, an older version's object)
   * may be shaped so that a plugin throws: that pod is reported and retried with back-off, and the others
   * are still scheduled. Nothing in a stored object may stop the scheduler.
   */
  private scheduleSafely(uid: string): void {
    try {
      this.scheduleOne(uid);
    } catch (err) {
      this.queue.failed(uid);
      const ref = this.pending.get(uid);
      const pod = ref && this.store.get<Pod>('Pod', ref.namespace, ref.name);
      this.opts.log?.(`scheduler: ${ref ? `${ref.namespace}/${ref.name}` : uid}: ${(err as Error).message}`);
      if (pod) this.reportUnschedulable(pod, `the pod cannot be scheduled: ${(err as Error).message}`);
    }
  }

  /** One cycle for one pod: decide, then bind or report why not. */
  scheduleOne(uid: string): void {
    const ref = this.pending.get(uid);
    const pod = ref && this.store.get<Pod>('Pod', ref.namespace, ref.name);
    if (!pod || pod.metadata.uid !== uid || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    // VolumeBinding's PreFilter: a missing or unbound Immediate claim leaves the pod unschedulable everywhere
    const claims = claimScheduling(pod, this.claimLookup, this.snapshot.nodes.length);
    if (!claims.schedulable && claims.message) {
      this.queue.failed(uid);
      this.reportUnschedulable(pod, claims.message);
      return;
    }
    const result = schedulePod(pod, this.snapshot, undefined, this.opts.random);
    if (result.node !== undefined) {
      if (!claims.schedulable) {
        // PreBind: WaitForFirstConsumer claims are provisioned for the chosen node; the pod binds once they are bound
        this.selectNodeForClaims(pod, claims.selectNode, result.node);
        this.queue.failed(uid);
        return;
      }
      this.bind(pod, result.node);
      return;
    }
    this.queue.failed(uid);
    this.reportUnschedulable(pod, result.message);
  }

  private get claimLookup(): ClaimLookup {
    return claimLookupFrom(this.store);
  }


  private selectNodeForClaims(pod: Stored<Pod>, claims: string[], node: string): void {
    for (const name of claims) {
      try {
        this.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', pod.metadata.namespace, name, (c) => {
          if (c.metadata.annotations?.[ANN_SELECTED_NODE]) return false;
          c.metadata.annotations = { ...c.metadata.annotations, [ANN_SELECTED_NODE]: node };
        });
      } catch (err) {
        this.opts.log?.(`scheduler: selecting ${node} for claim ${pod.metadata.namespace}/${name}: ${(err as Error).message}`);
      }
    }
  }

  private bind(pod: Stored<Pod>, node: string): void {
    const conflict = bindingConflict(pod, node);
    if (conflict) return;
    try {
      this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
        if (p.spec?.nodeName) return false;
        applyBinding(p, node, timestamp());
      });
    } catch (err) {
      this.opts.log?.(`scheduler: binding ${pod.metadata.namespace}/${pod.metadata.name} failed: ${(err as Error).message}`);
      this.queue.failed(pod.metadata.uid);
      return;
    }
    this.bindings++;
    recordEvent(this.store, pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, { source: SCHEDULER_SOURCE });
  }

  private reportUnschedulable(pod: Stored<Pod>, message: string): void {
    try {
      recordEvent(this.store, pod, 'Warning', 'FailedScheduling', message, { source: SCHEDULER_SOURCE });
      this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
        const status = p.status ?? (p.status = { phase: 'Pending' });
        const old = status.conditions?.find((c) => c.type === 'PodScheduled');
        if (old?.status === 'False' && old.reason === 'Unschedulable' && old.message === message) return false;
        status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: timestamp() }];
      });
    } catch (err) {
      this.opts.log?.(`scheduler: ${(err as Error).message}`);
    }
  }
}
