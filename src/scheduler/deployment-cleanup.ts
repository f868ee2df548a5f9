// revisionHistoryLimit: old ReplicaSets kept for rollback, the oldest revisions deleted beyond the limit
// (cleanupDeployment). Only sets that are fully scaled down and settled are deleted.
import type { DeploymentContext, RS } from './deployment-context.js';
import { byRevision, revisionHistoryLimit, rsReplicas } from './deployment-util.js';

/** Returns the old sets that remain. */
export function cleanupDeployment(ctx: DeploymentContext, oldRSs: RS[]): RS[] {
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - revisionHistoryLimit(ctx.d);
  if (diff <= 0) return oldRSs;
  const deleted = new Set<string>();
  for (const rs of [...cleanable].sort(byRevision).slice(0, diff)) {
    const settled = (rs.status?.observedGeneration ?? 0) >= (rs.metadata.generation ?? 0);
    // A set that still has pods (or whose controller has not caught up) is not history yet.
    if (rsReplicas(rs) !== 0 || (rs.status?.replicas ?? 0) !== 0 || !settled || ctx.pods.active(rs).length) continue;
    ctx.store.delete('ReplicaSet', rs.metadata.namespace, rs.metadata.name);
    deleted.add(rs.metadata.uid);
  }
  return oldRSs.filter((rs) => !deleted.has(rs.metadata.uid));
}
