// What the service proxy and the endpoints controller take from the kubelet: the pod status it observed
// on the engine (phase, Ready, podIP, container states) and the ports the engine published, never the
// status in the store, which a client may write through pods/status (docs/decisions/070). The control
// plane passes the kubelet's ObservedPods in.
import type { Pod, PodStatus } from './types.js';

export interface KubeletObservations {
  /** the status the kubelet computed from the engine; undefined before it synced the pod */
  status(podUid: string): PodStatus | undefined;
  /** containerPort -> host port on 127.0.0.1 of the pod's first container (published-ports mode) */
  publishedPorts(podUid: string): Readonly<Record<number, number>> | undefined;
  /** called after what the kubelet observed for a pod changed; returns the unsubscribe function */
  onChange(fn: (podUid: string, namespace: string) => void): () => void;
}

/**
 * The pods with the kubelet's status in place of the stored one. A pod the kubelet has not observed yet
 * has no status at all, so it has no IP and is no endpoint.
 */
export function withObservedStatus<T extends Pod>(pods: T[], observed: Pick<KubeletObservations, 'status'>): T[] {
  return pods.map((p) => {
    const status = observed.status(p.metadata?.uid ?? '');
    const { status: _stored, ...rest } = p;
    return (status ? { ...rest, status } : rest) as T;
  });
}
