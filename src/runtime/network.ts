// The engine network the pods of every cluster join, and its labels: read by the kubelet (which makes
// it), the control plane and the library (which check it), so it lives with the runtime, below them all.

/**
 * Every cluster on the machine shares one Docker network (docs/decisions/006): Docker has only about 30
 * address pools, and a network per cluster ran out of them when test files start clusters in parallel.
 * Clusters stay apart by their labels; the network is never removed by mini-kube.
 */
export const SHARED_NETWORK = 'mini-kube';
export const SHARED_NETWORK_LABELS = { 'io.mini-kube.network': 'shared' };

export function networkName(_clusterId?: string): string {
  return SHARED_NETWORK;
}
