// The pod condition that says the kubelet cannot see the pod's containers because the Docker engine does
// not answer. Not a Kubernetes condition (a kubelet there reports a runtime outage on the Node), but
// mini-kube has no Node object people look at, and `describe pod` is where they look. It exists only
// while the engine is away: the next status the kubelet computes (engine back) no longer has it.
import type { Pod } from '../kube/types.js';
import { timestamp, type Store, type Stored } from '../store/store.js';

export const ENGINE_CONDITION = 'ContainerRuntimeReachable';
export const ENGINE_UNREACHABLE_REASON = 'DockerEngineUnreachable';

/** Adds the False condition to a pod; returns false when it was already there (or the pod is gone). */
export function markEngineUnreachable(store: Store, pod: Stored<Pod>): boolean {
  let changed = false;
  try {
    store.mutate<Pod>('Pod', pod.metadata.namespace, pod.metadata.name, (p) => {
      if (p.metadata.uid !== pod.metadata.uid) return false;
      const conditions = p.status?.conditions ?? [];
      if (conditions.some((c) => c.type === ENGINE_CONDITION && c.status === 'False')) return false;
      p.status = {
        ...p.status,
        conditions: [...conditions.filter((c) => c.type !== ENGINE_CONDITION), {
          type: ENGINE_CONDITION,
          status: 'False',
          reason: ENGINE_UNREACHABLE_REASON,
          message: 'the Docker engine does not answer; containers are left as they are and reconciled when it is back',
          lastTransitionTime: timestamp(),
        }],
      };
      changed = true;
    });
  } catch {
    return false; // deleted meanwhile
  }
  return changed;
}
