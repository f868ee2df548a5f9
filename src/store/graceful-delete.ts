// Deleting a Pod is graceful, as in Kubernetes: the API only marks it (deletionTimestamp and grace
// period); the kubelet stops its containers with that grace and then removes the object for good.
import type { Pod } from '../kube/types.js';
import type { Store, Stored } from './store.js';
import { timestamp } from './store.js';

/**
 * The pod as a delete leaves it: marked with deletionTimestamp and grace, or undefined when it goes at
 * once. Pure, so a dry run answers exactly what the real delete would do (api/deletion.ts).
 */
export function podAfterDeleteRequest(pod: Stored<Pod>, gracePeriodSeconds?: number): Stored<Pod> | undefined {
  if (pod.metadata.deletionTimestamp) return pod;
  const grace = gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  // A pod that never got a container has nothing to stop: it goes at once.
  const hasContainers = (pod.status?.containerStatuses ?? []).some((c) => c.containerID);
  if (grace === 0 && !hasContainers) return undefined;
  return { ...pod, metadata: { ...pod.metadata, deletionTimestamp: timestamp(), deletionGracePeriodSeconds: grace } };
}

export function requestPodDeletion(store: Store, pod: Stored<Pod>, gracePeriodSeconds?: number): Stored<Pod> {
  const marked = podAfterDeleteRequest(pod, gracePeriodSeconds);
  if (marked === pod) return pod;
  if (!marked) return store.delete<Pod>('Pod', pod.metadata.namespace, pod.metadata.name);
  return store.update<Pod>(marked);
}
