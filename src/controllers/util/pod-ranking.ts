// Which pods a ReplicaSet deletes first when it scales down: Kubernetes' controller.ActivePods ordering
// (pkg/controller/controller_utils.go), the pods least useful to keep first.
import type { Pod } from '../../kube/types.js';
import { isPodReady, maxRestarts, readyCondition } from '../../kube/pod.js';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function time(ts: string | undefined): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod): number {
  // 1. Not yet scheduled (no node) before scheduled.
  const aNode = a.spec?.nodeName ? 1 : 0, bNode = b.spec?.nodeName ? 1 : 0;
  if (aNode !== bNode) return aNode - bNode;
  // 2. Pending < Unknown < Running.
  const aPhase = PHASE_ORDER[a.status?.phase ?? 'Pending'] ?? 0, bPhase = PHASE_ORDER[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  // 3. Not ready before ready.
  const aReady = isPodReady(a) ? 1 : 0, bReady = isPodReady(b) ? 1 : 0;
  if (aReady !== bReady) return aReady - bReady;
  // 4. Both ready: ready for less time first (a missing time counts as just now).
  if (aReady && bReady) {
    const aSince = time(readyCondition(a)?.lastTransitionTime) ?? Infinity;
    const bSince = time(readyCondition(b)?.lastTransitionTime) ?? Infinity;
    if (aSince !== bSince) return bSince > aSince ? 1 : -1;
  }
  // 5. More container restarts first.
  const aRestarts = maxRestarts(a), bRestarts = maxRestarts(b);
  if (aRestarts !== bRestarts) return bRestarts - aRestarts;
  // 6. Newer first (a missing creation time counts as newest).
  const aCreated = time(a.metadata?.creationTimestamp) ?? Infinity;
  const bCreated = time(b.metadata?.creationTimestamp) ?? Infinity;
  if (aCreated !== bCreated) return bCreated > aCreated ? 1 : -1;
  return 0;
}

/** The `count` pods to delete, best candidates first. */
export function podsToDelete<T extends Pod>(pods: T[], count: number): T[] {
  return [...pods].sort(compareForDeletion).slice(0, Math.max(0, count));
}
