// MarkPodsNotReady's reach into what the service proxy and the endpoints controller read: the kubelet's
// observed status (decisions/070), which a silent node's kubelet no longer updates. The node-lifecycle
// controller has written Ready=False into the stored status; the same goes into the observed copy, so the
// pod leaves every Service's endpoints at once. The node's kubelet, back, observes the truth again.
import type { ObservedPods } from '../kubelet/observed-pods.js';
import type { Pod } from '../kube/types.js';
import type { Stored } from '../store/store.js';

export function markPodNotReady(observed: ObservedPods, pod: Stored<Pod>): void {
  const seen = observed.get(pod.metadata.uid);
  if (!seen) return;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const conditions = (seen.status.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady') && c.status !== 'False'
    ? { ...c, status: 'False', lastTransitionTime: at } : c);
  const containerStatuses = (seen.status.containerStatuses ?? []).map((c) => ({ ...c, ready: false }));
  observed.set(pod.metadata.uid, { ...seen, status: { ...seen.status, conditions, containerStatuses } });
}
