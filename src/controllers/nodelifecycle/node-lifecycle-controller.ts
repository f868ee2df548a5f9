// The node-lifecycle controller (pkg/controller/nodelifecycle): every monitor period (5 s) it looks at
// each node's heartbeat, the Lease in kube-node-lease (or the Ready condition's heartbeat, whichever is
// newer). Silent for longer than the grace period (40 s, --node-monitor-grace-period) the node's
// conditions become Unknown ("Kubelet stopped posting node status.") and its pods NotReady
// (MarkPodsNotReady: the endpoints drop them at once). The node's taints follow its Ready condition
// (TaintBasedEvictions and TaintNodesByCondition): Unknown -> node.kubernetes.io/unreachable, False ->
// node.kubernetes.io/not-ready, each NoSchedule and NoExecute; Ready again -> removed. The taint-eviction
// controller then evicts the pods whose tolerations (300 s by default) run out. spec.unschedulable
// gets the node.kubernetes.io/unschedulable:NoSchedule taint, as kubectl cordon expects.
import type { Lease, Node, NodeCondition, Pod, Taint } from '../../kube/types.js';
import { TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE } from '../../kube/taints.js';
import type { Store, Stored } from '../../store/store.js';
import { timestamp } from '../../store/store.js';
import { recordEvent } from '../../store/events.js';

export const NODE_MONITOR_PERIOD_MS = 5_000;
export const NODE_MONITOR_GRACE_MS = 40_000;
const SOURCE = { component: 'node-controller' };
const LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  monitorPeriodMs?: number;
  gracePeriodMs?: number;
  /** MarkPodsNotReady's effect on what the proxy and the endpoints read (the kubelet's observed status) */
  markPodNotReady?: (pod: Stored<Pod>) => void;
  now?: () => number;
}

export class NodeLifecycleController {
  private timer?: NodeJS.Timeout;
  private unwatch?: () => void;
  private readonly period: number;
  private readonly grace: number;
  private readonly now: () => number;
  /** when this controller first saw each node: a node is given the grace period from then too */
  private readonly firstSeen = new Map<string, number>();

  constructor(private readonly store: Store, private readonly opts: NodeLifecycleOptions = {}) {
    this.period = opts.monitorPeriodMs ?? NODE_MONITOR_PERIOD_MS;
    this.grace = opts.gracePeriodMs ?? NODE_MONITOR_GRACE_MS;
    this.now = opts.now ?? Date.now;
  }

  start(): void {
    // taints follow conditions and spec.unschedulable at once; silence is noticed by the monitor
    this.unwatch = this.store.watch({ kind: 'Node' }, (e) => {
      if (e.type !== 'DELETED') this.syncTaints(e.object as Stored<Node>);
    });
    this.timer = setInterval(() => this.monitor(), this.period);
    this.timer.unref();
  }

  stop(): void {
    this.unwatch?.();
    clearInterval(this.timer);
  }

  /** One monitor pass (monitorNodeHealth). */
  monitor(): void {
    const now = this.now();
    for (const node of this.store.list<Node>('Node')) {
      const name = node.metadata.name;
      if (!this.firstSeen.has(name)) this.firstSeen.set(name, now);
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'Unknown') continue;
      const lease = this.store.get<Lease>('Lease', LEASE_NAMESPACE, name);
      const beats = [Date.parse(ready.lastHeartbeatTime ?? '') || 0, Date.parse(lease?.spec?.renewTime ?? '') || 0, this.firstSeen.get(name)!];
      if (now - Math.max(...beats) <= this.grace) continue;
      this.markUnknown(node);
    }
  }

  private markUnknown(node: Stored<Node>): void {
    const name = node.metadata.name;
    const at = timestamp();
    this.store.mutate<Node>('Node', undefined, name, (n) => {
      n.status!.conditions = (n.status?.conditions ?? []).map((c): NodeCondition => ({
        ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.',
        lastTransitionTime: c.status === 'Unknown' ? c.lastTransitionTime : at,
      }));
    });
    recordEvent(this.store, { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`, { source: SOURCE });
    // MarkPodsNotReady
    for (const pod of this.store.list<Pod>('Pod')) {
      if (pod.spec?.nodeName !== name) continue;
      const readyCondition = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (readyCondition?.status === 'False') continue;
      try {
        const marked = this.store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
          p.status = { ...p.status, conditions: (p.status?.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: at } : c)) };
        });
        recordEvent(this.store, pod, 'Warning', 'NodeNotReady', 'Node is not ready', { source: SOURCE });
        if (marked) this.opts.markPodNotReady?.(marked);
      } catch {
        // gone meanwhile
      }
    }
  }

  /** The taints the node's Ready condition and spec.unschedulable call for; written when they differ. */
  syncTaints(node: Stored<Node>): void {
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const want: Taint[] = [];
    const keep = (node.spec?.taints ?? []).filter((t) => ![TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE, TAINT_NODE_UNSCHEDULABLE].includes(t.key));
    const existing = (key: string, effect: string) => node.spec?.taints?.find((t) => t.key === key && t.effect === effect);
    const add = (key: string, effect: string) => want.push(existing(key, effect) ?? { key, effect, ...(effect === 'NoExecute' ? { timeAdded: timestamp() } : {}) });
    if (ready === 'Unknown') { add(TAINT_NODE_UNREACHABLE, 'NoSchedule'); add(TAINT_NODE_UNREACHABLE, 'NoExecute'); }
    if (ready === 'False') { add(TAINT_NODE_NOT_READY, 'NoSchedule'); add(TAINT_NODE_NOT_READY, 'NoExecute'); }
    if (node.spec?.unschedulable) add(TAINT_NODE_UNSCHEDULABLE, 'NoSchedule');
    const next = [...keep, ...want];
    const same = JSON.stringify(next) === JSON.stringify(node.spec?.taints ?? []);
    if (same) return;
    try {
      this.store.mutate<Node>('Node', undefined, node.metadata.name, (n) => {
        n.spec = { ...n.spec, taints: next.length ? next : undefined };
        if (!next.length) delete n.spec.taints;
      });
    } catch {
      // the node went meanwhile
    }
  }
}
