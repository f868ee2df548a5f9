// The RollingUpdate strategy (pkg/controller/deployment/rolling.go): grow the new ReplicaSet within
// maxSurge, shrink old ones only as far as maxUnavailable allows, counting available pods, so a rollout
// waits for new pods to become ready.
import type { DeploymentContext, RS } from './context.js';
import { availableCount, fresh, keptAvailable, sum } from './context.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, newRSNewReplicas, scaleReplicaSetAndRecordEvent } from './sync.js';
import { deploymentComplete, syncRolloutStatus } from './status.js';
import { byCreation, desiredReplicas, maxUnavailable, rsReplicas } from './util.js';

export function rolloutRolling(ctx: DeploymentContext, rsList: RS[]): number | undefined {
  let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, rsList, true);
  if (!newRS) throw new Error('no new replica set after creating it');
  const all = () => [...oldRSs, newRS!];

  const up = reconcileNewReplicaSet(ctx, all(), newRS);
  newRS = up.rs;
  if (up.scaled) return syncRolloutStatus(ctx, all(), newRS);

  const down = reconcileOldReplicaSets(ctx, oldRSs, newRS);
  oldRSs = down.oldRSs;
  if (down.scaled) return syncRolloutStatus(ctx, all(), newRS);

  if (deploymentComplete(ctx.d, ctx.d.status)) oldRSs = cleanupDeployment(ctx, oldRSs);
  return syncRolloutStatus(ctx, all(), newRS);
}

function reconcileNewReplicaSet(ctx: DeploymentContext, allRSs: RS[], newRS: RS): { scaled: boolean; rs: RS } {
  const desired = desiredReplicas(ctx.d);
  if (rsReplicas(newRS) === desired) return { scaled: false, rs: newRS };
  // Scaled down (spec.replicas lowered): the new set shrinks at once.
  if (rsReplicas(newRS) > desired) return scaleReplicaSetAndRecordEvent(ctx, newRS, desired);
  return scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(ctx, allRSs, newRS));
}

function reconcileOldReplicaSets(ctx: DeploymentContext, oldRSs: RS[], newRS: RS): { scaled: boolean; oldRSs: RS[] } {
  const oldPods = sum(oldRSs.map(rsReplicas));
  if (oldPods === 0) return { scaled: false, oldRSs };
  const allPods = oldPods + rsReplicas(newRS);
  const minAvailable = desiredReplicas(ctx.d) - maxUnavailable(ctx.d);
  const newUnavailable = Math.max(0, rsReplicas(newRS) - availableCount(ctx, newRS));
  // Room to scale down without going under minAvailable, counting the new set's unavailable pods as
  // already missing.
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return { scaled: false, oldRSs };

  const cleanup = cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(ctx, cleanup.oldRSs, newRS);
  return { scaled: cleanup.count + scaledDown.count > 0, oldRSs: scaledDown.oldRSs };
}

/** Old sets' unavailable pods go first: removing them costs no availability. */
function cleanupUnhealthyReplicas(ctx: DeploymentContext, oldRSs: RS[], maxCleanup: number): { oldRSs: RS[]; count: number } {
  let total = 0;
  const out = [...oldRSs].sort(byCreation).map((rs) => {
    if (total >= maxCleanup || rsReplicas(rs) === 0) return rs;
    const unhealthy = rsReplicas(rs) - keptAvailable(ctx, rs);
    if (unhealthy <= 0) return rs;
    const count = Math.min(maxCleanup - total, unhealthy);
    total += count;
    return scaleReplicaSetAndRecordEvent(ctx, rs, rsReplicas(rs) - count).rs;
  });
  return { oldRSs: out, count: total };
}

/** Then available old pods, oldest set first, as long as minAvailable pods stay available. */
function scaleDownOldReplicaSetsForRollingUpdate(ctx: DeploymentContext, oldRSs: RS[], newRS: RS): { oldRSs: RS[]; count: number } {
  const minAvailable = desiredReplicas(ctx.d) - maxUnavailable(ctx.d);
  const available = sum([...oldRSs, newRS].map((rs) => keptAvailable(ctx, fresh(ctx, rs))));
  if (available <= minAvailable) return { oldRSs, count: 0 };
  const toScaleDown = available - minAvailable;
  let total = 0;
  const out = [...oldRSs].sort(byCreation).map((rs) => {
    if (total >= toScaleDown || rsReplicas(rs) === 0) return rs;
    const count = Math.min(rsReplicas(rs), toScaleDown - total);
    total += count;
    return scaleReplicaSetAndRecordEvent(ctx, rs, rsReplicas(rs) - count).rs;
  });
  return { oldRSs: out, count: total };
}
