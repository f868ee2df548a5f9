// The kubelet's node lease (pkg/kubelet/nodelease, component-helpers' lease controller): the Lease
// kube-node-lease/<node> with holderIdentity = the node, leaseDurationSeconds 40, renewTime moved every
// 10 s. It is the node's heartbeat: the node-lifecycle controller reads it to tell a live node from a
// silent one, so the Node object itself is written only when its status changes.
import type { Lease } from '../kube/types.js';
import type { Store } from '../store/store.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;
export const LEASE_RENEW_MS = 10_000;

/** metav1.MicroTime as Go writes it: RFC 3339 with microseconds. */
export function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class NodeLease {
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: Store, private readonly nodeName: string, private readonly nodeUid: () => string | undefined,
    private readonly renewMs = LEASE_RENEW_MS, private readonly log?: (line: string) => void) {}

  start(): void {
    this.renew();
    this.timer = setInterval(() => this.renew(), this.renewMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Creates the lease (owned by the Node, so it goes with it) or moves its renewTime. */
  renew(): void {
    const now = microTime();
    try {
      const current = this.store.get<Lease>('Lease', NODE_LEASE_NAMESPACE, this.nodeName);
      if (!current) {
        if (!this.store.get('Namespace', undefined, NODE_LEASE_NAMESPACE)) return;
        const uid = this.nodeUid();
        this.store.create<Lease>({
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
          metadata: {
            name: this.nodeName, namespace: NODE_LEASE_NAMESPACE,
            ...(uid ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.nodeName, uid }] } : {}),
          },
          spec: { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
        });
        return;
      }
      this.store.mutate<Lease>('Lease', NODE_LEASE_NAMESPACE, this.nodeName, (l) => {
        l.spec = { ...l.spec, holderIdentity: this.nodeName, leaseDurationSeconds: l.spec?.leaseDurationSeconds ?? LEASE_DURATION_SECONDS, renewTime: now };
      });
    } catch (err) {
      this.log?.(`node lease ${this.nodeName}: ${(err as Error).message}`);
    }
  }
}
