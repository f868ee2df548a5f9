// What the kubelet itself observed of each pod, kept in memory: the status it computed from the engine
// (the status manager's cache in Kubernetes) and the host ports the engine published for the pod's
// sandbox. The copy in the store is only a report of it: a client may write pods/status, but whatever
// acts on a pod (probes, the service proxy, endpoints) reads this copy. The control plane makes one and
// passes it to the kubelet (the one writer) and to the service proxy and endpoints controller (readers,
// through their own interface, service-proxy/observed.ts).
import type { PodStatus } from '../kube/types.js';

export interface PodObservation {
  namespace: string;
  name: string;
  status: PodStatus;
  /** containerPort -> host port on 127.0.0.1 of the pod's sandbox (which holds its IP), while it runs */
  publishedPorts?: Readonly<Record<number, number>>;
}

export class ObservedPods {
  private readonly pods = new Map<string, PodObservation>();
  private readonly listeners = new Set<(podUid: string, namespace: string) => void>();

  get(podUid: string): PodObservation | undefined {
    return this.pods.get(podUid);
  }

  /** The status the kubelet last computed for the pod; undefined before its first sync of it. */
  status(podUid: string): PodStatus | undefined {
    return this.pods.get(podUid)?.status;
  }

  publishedPorts(podUid: string): Readonly<Record<number, number>> | undefined {
    return this.pods.get(podUid)?.publishedPorts;
  }

  /** Records an observation; listeners hear of it only when it differs from the previous one. */
  set(podUid: string, observation: PodObservation): void {
    const before = this.pods.get(podUid);
    this.pods.set(podUid, observation);
    if (before && JSON.stringify(before) === JSON.stringify(observation)) return;
    this.notify(podUid, observation.namespace);
  }

  delete(podUid: string): void {
    const before = this.pods.get(podUid);
    if (!before) return;
    this.pods.delete(podUid);
    this.notify(podUid, before.namespace);
  }

  /** Called with the pod's uid and namespace after each change; returns the unsubscribe function. */
  onChange(fn: (podUid: string, namespace: string) => void): () => void {
    this.listeners.add(fn);
    return () => { this.listeners.delete(fn); };
  }

  private notify(podUid: string, namespace: string): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(podUid, namespace);
      } catch {
        // a failing reader must not break the kubelet's write nor the other readers
      }
    }
  }
}
